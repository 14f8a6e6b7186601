"""Key journeys in a real browser (issue 15), on the demo data, in Vietnamese.

Each test is one journey an officer makes; each page visited is checked with axe-core (no serious or critical
violation) and the named screenshots go to docs/guide/img/ for the user guide. A failing journey leaves the page, a
screenshot and the browser's console log in var/e2e-failures/.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp

from trove.core.models import User
from trove.core.testing import sign_in

pytestmark = pytest.mark.django_db


def current_code(device, *, steps_ahead: int = 0) -> str:
    # A code is accepted once; the next sign-in within the same 30 seconds uses the next step's code, which the
    # verifier accepts because it tolerates one step of clock drift.
    t0 = device.t0 - steps_ahead * device.step
    return f"{totp(device.bin_key, step=device.step, t0=t0, digits=device.digits):06d}"


def today() -> str:
    return timezone.localdate().isoformat()


def test_sign_in_with_an_authenticator(browser):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    verifier = User.objects.get(username="verifier")
    browser.get("/signin/", shot="signin")
    browser.fill("#id_username", "verifier")
    browser.fill("#id_password", "demo")
    browser.submit("form.stacked-form button[type=submit]", shot="two-factor-enrol")
    assert "/account/two-factor/enrol/" in browser.driver.current_url
    device = TOTPDevice.objects.get(user=verifier, confirmed=False)
    # The page shows the secret the officer types into the app; it is the device's key.
    assert browser.find("main code, main .secret, main").text
    browser.fill("#id_code", current_code(device))
    browser.submit("main form.stacked-form button[type=submit]", shot="two-factor-recovery-codes")
    assert len(browser.find_all(".recovery-codes li")) >= 5
    browser.find(".recovery-codes + p a, main a.button-primary").click()
    browser.page_ready(shot="home-verifier")
    assert browser.find(".user-menu summary").text

    # Next time: password, then a code from the app.
    browser.find(".user-menu summary").click()
    browser.submit(".user-menu button[type=submit]")
    browser.get("/signin/")
    browser.fill("#id_username", "verifier")
    browser.fill("#id_password", "demo")
    browser.submit("form.stacked-form button[type=submit]", shot="two-factor-verify")
    assert "/account/two-factor/" in browser.driver.current_url
    device.refresh_from_db()
    browser.fill("#id_code", current_code(device, steps_ahead=1))
    browser.submit("main form button[type=submit]")
    assert browser.driver.current_url.rstrip("/") == browser.base_url
    assert browser.find(".user-menu summary").text


def fill_intake(page) -> None:
    page.select("#id_channel", value="returned_self")
    page.select("#id_place_kind", value="commune")
    page.fill("#id_full_name", "Giang Thi My")
    page.select("#id_sex", value="female")
    page.fill("#id_birth_year", "2001")
    page.fill("#id_ethnicity", "H'Mông")
    page.select("#id_country_returned_from", value="CN")
    page.fill("#id_immediate_needs", "Chỗ ở tạm thời, khám sức khỏe")
    page.find("input[name=consent][value=yes]").click()


def test_intake_on_a_phone_with_a_duplicate_warning_and_a_merge(phone, sign_in_as):
    sign_in_as(phone, "intake")
    phone.get("/", shot="phone-home-intake")
    phone.get("/cases/intake/", shot="phone-intake-form")
    fill_intake(phone)
    phone.submit("#intake-form button[type=submit]")
    # The same person came back once before (DT-2026-00002): the form warns before anything is saved.
    warning = phone.find("#candidates-title")
    phone.scroll_to(warning)
    phone.screenshot("phone-intake-duplicate-warning", top=False)
    assert phone.find_all(".candidates input[name=decision]")
    assert "Giàng Thị Mỷ" in phone.find(".candidates").text
    phone.find(".candidates input[value=new]").click()
    phone.submit("#intake-form button[type=submit]", shot="phone-intake-saved")
    code = phone.driver.current_url.rstrip("/").rsplit("/", 1)[-1]
    assert code.startswith("DT-")

    phone.get(f"/people/case/{code}/duplicates/", shot="phone-duplicates")
    card = phone.find_all(".card-list > li")[0]
    assert "Giàng Thị Mỷ" in card.text
    form_prefix = card.find_element("css selector", "input[name=other_person]").get_attribute("value")
    phone.find(f"input[name='p{form_prefix}-keep'][value=other]").click()
    phone.fill(f"textarea[name='p{form_prefix}-reason']", "Cùng người: tên viết không dấu, cùng năm sinh và dân tộc.")
    phone.submit(".card-list > li button[type=submit]", shot="phone-merge-done")
    assert "/cases/" in phone.driver.current_url
    from trove.cases.models import Case

    case = Case.objects.select_related("person").get(code=code)
    assert case.person.cases.count() == 2


def test_verification_to_a_decision_with_the_document(browser, sign_in_as):
    from trove.verification.models import IdentificationDecision

    code = "DT-2026-00003"
    sign_in_as(browser, "intake")
    browser.get(f"/verification/{code}/", shot="verification-case")
    # The commune asks the provincial police to confirm: the police now take part in the case.
    browser.select("select[name=to_agency]", text="Công an tỉnh Đồng Tháp")
    browser.select("select[name=kind]", value="confirm_victim")
    browser.set_value("input[name=due_on]", (timezone.localdate() + datetime.timedelta(days=7)).isoformat())
    browser.submit("form[action$='/requests/'] button[type=submit]")
    assert "Công an tỉnh Đồng Tháp" in browser.text()

    sign_in_as(browser, "verifier")
    browser.get(f"/verification/{code}/")
    browser.fill("form[action*='/grounds/'] input[name=source]", "Biên bản ghi lời khai (dữ liệu thử)")
    browser.submit("form[action*='/grounds/'] button[type=submit]")
    browser.select("#id_outcome", value="victim")
    browser.set_value("#id_decision_date", today())
    browser.fill("#id_reasons", "Có căn cứ theo lời khai và xác minh của Công an tỉnh (dữ liệu thử).")
    browser.submit("form[action$='/decisions/'] button[type=submit]", shot="verification-decision-proposed")
    decision = IdentificationDecision.objects.get(case__code=code)
    assert decision.status == "proposed"

    sign_in_as(browser, "supervisor")
    browser.get(f"/verification/{code}/#decision")
    browser.submit(f"form[action$='/decisions/{decision.pk}/approve/'] button[type=submit]")
    decision.refresh_from_db()
    assert decision.status == "approved"
    link = browser.find(f"a[href$='/decisions/{decision.pk}/decision.docx']")
    browser.scroll_to(link)
    browser.driver.execute_script("window.scrollBy(0, -200)")
    browser.screenshot("verification-decision-approved", top=False)
    link.click()
    document = browser.wait_for_download(".docx")
    assert document.stat().st_size > 1000
    assert document.read_bytes()[:2] == b"PK"


def choose_option_starting(page, css: str, prefix: str) -> None:
    value = page.driver.execute_script(
        "return [...arguments[0].options].find(o => o.text.trim().startsWith(arguments[1])).value",
        page.find(css), prefix)
    page.select(css, value=value)


def test_support_refused_by_the_entitlement_rules_and_then_accepted(browser, sign_in_as):
    from trove.support.models import SupportEntry

    code = "DT-2026-00001"
    before = SupportEntry.objects.filter(case__code=code).count()
    sign_in_as(browser, "intake")
    browser.get(f"/support/cases/{code}/", shot="support-case")
    # Essential needs: 30 days are already covered; 100 more would pass the 120 days the regime allows.
    choose_option_starting(browser, "#record select[name=support_type]", "a)")
    browser.set_value("#record input[name=given_on]", today())
    browser.fill("#record input[name=amount]", "4000000")
    browser.fill("#record input[name=days_covered]", "100")
    browser.select("#record select[name=giving_agency]", text="Ủy ban nhân dân xã Tân Hồng")
    browser.submit("#record button[type=submit]")
    errors = browser.messages()
    assert "120" in errors, errors
    error = browser.find("#record .errorlist:not(:empty), .form-errors")
    browser.scroll_to(error)
    browser.screenshot("support-refused", top=False)
    assert SupportEntry.objects.filter(case__code=code).count() == before

    # Counselling, within the rules: recorded.
    choose_option_starting(browser, "#record select[name=support_type]", "g)")
    browser.set_value("#record input[name=given_on]", today())
    browser.fill("#record input[name=amount]", "250000")
    browser.fill("#record input[name=days_covered]", "")
    browser.select("#record select[name=giving_agency]", text="Ủy ban nhân dân xã Tân Hồng")
    browser.submit("#record button[type=submit]", shot="support-recorded")
    assert SupportEntry.objects.filter(case__code=code).count() == before + 1


def test_referral_sent_accepted_and_closed(browser, sign_in_as):
    from trove.referrals.actions import referral_revoke
    from trove.referrals.models import Referral

    code = "DT-2026-00005"
    # The demo's own open referral to the Women's Union is withdrawn first, so that the one sent here is the only
    # reason the Union sees the case.
    for referral in Referral.objects.filter(case__code=code, to_agency__name__startswith="Hội Liên hiệp Phụ nữ",
                                            status__in=["sent", "accepted"]):
        referral_revoke(acting_user=User.objects.get(username="caseworker"), referral=referral,
                        reason_text="Thay bằng giới thiệu mới (dữ liệu thử).")

    sign_in_as(browser, "caseworker")
    browser.get(f"/referrals/new/{code}/", shot="referral-new")
    browser.select("select[name=service_kind]", value="loan")
    browser.select("select[name=to_agency]", text="Hội Liên hiệp Phụ nữ tỉnh Đồng Tháp")
    browser.fill("textarea[name=needs]", "Cần vay vốn nhỏ để mở tiệm may tại nhà (dữ liệu thử).")
    for section in ("needs", "support_plan"):
        browser.find(f"input[name=sections][value={section}]").click()
    options = browser.driver.execute_script(
        "return [...arguments[0].options].map(o => o.value).filter(v => v)", browser.find("select[name=consent_basis]"))
    browser.select("select[name=consent_basis]", value=options[0])
    browser.fill("input[name=consent_by]", "Chính người được hỗ trợ")
    browser.submit("main form button[type=submit]", shot="referral-sent")
    referral = Referral.objects.filter(case__code=code, service_kind="loan").latest("pk")
    assert referral.status == "sent"

    sign_in_as(browser, "womenunion")
    browser.get("/referrals/", shot="referral-inbox")
    browser.get(f"/referrals/{referral.pk}/")
    browser.submit(f"form[action$='/{referral.pk}/accept/'] button[type=submit]", shot="referral-accepted")
    referral.refresh_from_db()
    assert referral.status == "accepted"
    browser.get(f"/cases/{code}/")
    assert code in browser.text()
    browser.get(f"/referrals/{referral.pk}/")
    browser.set_value(f"form[action$='/{referral.pk}/services/'] input[name=given_on]", today())
    browser.fill(f"form[action$='/{referral.pk}/services/'] textarea[name=description]",
                 "Tư vấn và lập hồ sơ vay vốn (dữ liệu thử).")
    browser.submit(f"form[action$='/{referral.pk}/services/'] button[type=submit]")
    browser.fill("#feedback", "Đã giới thiệu vay vốn 20 triệu đồng từ quỹ của Hội (dữ liệu thử).")
    browser.submit(f"form[action$='/{referral.pk}/close/'] button[type=submit]", shot="referral-closed")
    referral.refresh_from_db()
    assert referral.status == "closed"
    # Closing ended the Union's access to the case: the page answers 404, as for any case outside its scope.
    browser.get(f"/cases/{code}/", shot="referral-closed-no-access")
    assert code not in browser.find("main").text
    client = Client()
    sign_in(client, User.objects.get(username="womenunion"))
    assert client.get(f"/cases/{code}/").status_code == 404


def test_follow_up_visit(browser, sign_in_as):
    from trove.referrals.models import FollowUpVisit

    visit = FollowUpVisit.objects.filter(plan__case__code="DT-2026-00005", visited_on=None).order_by("number").first()
    sign_in_as(browser, "caseworker")
    browser.get("/referrals/followup/", shot="followup-due")
    browser.get("/referrals/case/DT-2026-00005/followup/", shot="followup-case")
    browser.get(f"/referrals/visits/{visit.pk}/")
    browser.set_value("input[name=visited_on]", today())
    browser.select("select[name=living_situation]", value="with_family")
    browser.select("select[name=health]", value="good")
    browser.find("input[name=risk_signs][value=debt_pressure]").click()
    browser.fill("textarea[name=notes]", "Đã đi học nghề may; gia đình còn nợ tiền vay (dữ liệu thử).")
    browser.screenshot("followup-visit-form", top=False)
    browser.submit("main form button[type=submit]", shot="followup-visit-recorded")
    visit.refresh_from_db()
    assert visit.visited_on == timezone.localdate()


def test_tip_classified(browser, sign_in_as):
    from trove.intel.models import Tip

    sign_in_as(browser, "intake")
    browser.get("/tips/", shot="tips-list")
    browser.get("/tips/TB-2026-00001/")
    browser.select("select[name=classification]", value="trafficking")
    browser.select("select[name=priority]", value="high")
    browser.set_value("input[name=classified_on]", today())
    browser.fill("form[action$='/classify/'] textarea[name=note]", "Có dấu hiệu tuyển người đi làm việc ở nước ngoài.")
    browser.submit("form[action$='/classify/'] button[type=submit]", shot="tip-classified")
    assert Tip.objects.get(code="TB-2026-00001").status == "classified"


def test_plan_dashboard(browser, sign_in_as):
    from trove.plans.models import Plan

    plan = Plan.objects.order_by("-pk").first()
    sign_in_as(browser, "coordinator")
    browser.get("/plans/", shot="plans-list")
    browser.get(f"/plans/{plan.pk}/", shot="plan-detail")
    browser.get(f"/plans/{plan.pk}/progress/", shot="plan-progress")
    assert "%" in browser.text()


def test_periodic_report_with_charts_and_the_excel_workbook(browser, sign_in_as):
    sign_in_as(browser, "statistician")
    browser.get("/reports/dashboard/", shot="report-dashboard")
    assert browser.find_all("main svg")
    browser.get("/reports/", shot="report-statistics")
    button = browser.find("form[action$='/reports/export/'] button[value=xlsx]")
    browser.scroll_to(button)
    button.click()
    # A small workbook comes at once; a large one is made in the background and downloaded from the job page.
    browser.wait_for(lambda d: "/jobs/" in d.current_url or any(browser.download_dir.glob("*.xlsx")), timeout=30)
    if "/jobs/" in browser.driver.current_url:
        browser.page_ready(shot="report-export-job")
        browser.wait_for(lambda d: d.find_elements("css selector", "a[href$='/download']"), timeout=30)[0].click()
    workbook = browser.wait_for_download(".xlsx")
    assert workbook.read_bytes()[:2] == b"PK"


def test_language_switch(browser, sign_in_as):
    sign_in_as(browser, "caseworker")
    browser.get("/cases/")
    assert browser.find("html").get_attribute("lang") == "vi"
    assert "Hồ sơ" in browser.find(".main-nav").text
    browser.select("#language-select", value="en")
    browser.wait_for(lambda d: d.find_element("css selector", "html").get_attribute("lang") == "en")
    browser.page_ready(shot="language-english")
    assert "Cases" in browser.find(".main-nav").text
    browser.select("#language-select", value="vi")
    browser.wait_for(lambda d: d.find_element("css selector", "html").get_attribute("lang") == "vi")
    browser.page_ready()
    assert "/cases/" in browser.driver.current_url


def test_intake_form_with_the_keyboard_only(browser, sign_in_as):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    from trove.cases.models import Case

    before = Case.objects.count()
    sign_in_as(browser, "intake")
    browser.get("/cases/intake/")

    def active_id() -> str:
        return browser.driver.execute_script("return document.activeElement.id || document.activeElement.name")

    def tab_to(target: str, limit: int = 120) -> None:
        for _ in range(limit):
            ActionChains(browser.driver).send_keys(Keys.TAB).perform()
            if active_id() == target:
                return
        raise AssertionError(f"Tab never reached {target}")

    def type_into(target: str, text: str) -> None:
        tab_to(target)
        ActionChains(browser.driver).send_keys(text).perform()

    def choose(target: str, value: str) -> None:
        tab_to(target)
        ActionChains(browser.driver).send_keys(Keys.HOME).perform()
        for _ in range(20):
            if browser.driver.execute_script("return document.activeElement.value") == value:
                return
            ActionChains(browser.driver).send_keys(Keys.ARROW_DOWN).perform()
        raise AssertionError(f"{value} not reachable in {target} with the arrow keys")

    choose("id_channel", "rescued_domestic")
    choose("id_place_kind", "police")
    type_into("id_full_name", "Sùng Thị Dua")
    choose("id_sex", "female")
    type_into("id_birth_year", "1999")
    type_into("id_immediate_needs", "Chỗ ở tạm thời")
    tab_to("id_consent_0")
    ActionChains(browser.driver).send_keys(Keys.SPACE).perform()
    assert browser.driver.execute_script("return document.querySelector('input[name=consent]:checked').value") == "yes"
    browser.driver.execute_script("document.activeElement.scrollIntoView({block: 'center'})")
    browser.screenshot("intake-keyboard", top=False)
    for _ in range(20):
        ActionChains(browser.driver).send_keys(Keys.TAB).perform()
        if browser.driver.execute_script(
                "const e = document.activeElement; return e.type === 'submit' && e.form?.id === 'intake-form'"):
            break
    else:
        raise AssertionError("Tab never reached the save button")
    ActionChains(browser.driver).send_keys(Keys.ENTER).perform()
    browser.wait_for(lambda d: d.current_url.rstrip("/").rsplit("/", 1)[-1].startswith("DT-"), timeout=15)
    browser.page_ready()
    assert Case.objects.count() == before + 1
