"""The browser side of the journeys: a headless Chromium, axe-core checks, screenshots and failure captures.

Chromium and chromedriver come from Debian (`chromium`, `chromium-driver`); axe-core from npm (package.json at the
repository root). `make test` installs them when it can; where it cannot, the tests skip and say why.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "guide" / "img"
FAILURES = ROOT / "var" / "e2e-failures"
PHONE = (360, 740)
DESKTOP = (1280, 900)
# Impacts that fail a page; "moderate" and "minor" findings are left to review.
BLOCKING_IMPACTS = {"serious", "critical"}


def missing_tools() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (make setup-env installs requirements-dev.txt)"
    if not CHROMEDRIVER.exists() or not CHROMIUM.exists():
        return ("Debian's chromium and chromium-driver are not installed; `make test` installs them as root or "
                "with sudo (apt-get install chromium chromium-driver)")
    if not AXE.exists():
        if shutil.which("npm") is None:
            return "npm is not available, so axe-core (package.json) cannot be installed for the accessibility checks"
        return "axe-core is not installed: run `npm ci` at the repository root (make test does it)"
    return None


class Browser:
    """One Chromium window on the live server, with the checks every journey makes on every page."""

    def __init__(self, base_url: str, download_dir: Path, *, size: tuple[int, int] = DESKTOP) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for argument in ("--headless=new", "--lang=vi", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--hide-scrollbars", f"--window-size={size[0]},{size[1]}"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {
            "intl.accept_languages": "vi,en",
            "download.default_directory": str(download_dir),
            "download.prompt_for_download": False,
        })
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        self.driver.set_window_size(*size)
        self.driver.implicitly_wait(0)
        self.base_url = base_url.rstrip("/")
        self.download_dir = download_dir
        self.checked: list[str] = []
        self._axe_source = AXE.read_text(encoding="utf-8")

    # Navigation and checks

    def get(self, path: str, *, shot: str | None = None) -> None:
        self.driver.get(self.base_url + path)
        self.page_ready(shot=shot)

    def page_ready(self, *, shot: str | None = None) -> None:
        """After a navigation: wait for the page, check it with axe, and take the screenshot if one is named."""
        self.wait_for(lambda d: d.execute_script("return document.readyState") == "complete")
        self.check_accessibility()
        if shot:
            self.screenshot(shot)

    def check_accessibility(self) -> None:
        if not self.driver.execute_script("return typeof window.axe !== 'undefined'"):
            self.driver.execute_script(self._axe_source)
        violations = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            "  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            "     nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))"
            "  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));"
        )
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        self.checked.append(self.driver.current_url)
        assert not blocking, f"accessibility violations on {self.driver.current_url}:\n" + json.dumps(
            blocking, indent=1, ensure_ascii=False)

    def screenshot(self, name: str, *, top: bool = True) -> Path:
        """A viewport screenshot (small files), from the top of the page unless ``top`` is false."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        if top:
            self.driver.execute_script("window.scrollTo(0, 0)")
        self.driver.get_screenshot_as_file(str(path))
        return path

    def scroll_to(self, element) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)

    def wait_for(self, condition, timeout: float = 10):
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(condition)

    # Finding and filling

    def find(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def fill(self, css: str, value: str) -> None:
        element = self.find(css)
        self.scroll_to(element)
        element.clear()
        element.send_keys(value)

    def set_value(self, css: str, value: str) -> None:
        """Set a date or other input whose typing depends on the browser's locale, as a script would."""
        self.driver.execute_script("arguments[0].value = arguments[1];"
                                   "arguments[0].dispatchEvent(new Event('change', {bubbles: true}))",
                                   self.find(css), value)

    def select(self, css: str, *, value: str | None = None, text: str | None = None) -> None:
        from selenium.webdriver.support.ui import Select

        element = self.find(css)
        self.scroll_to(element)
        choice = Select(element)
        if value is not None:
            choice.select_by_value(value)
        else:
            choice.select_by_visible_text(text)

    def submit(self, css: str, *, shot: str | None = None) -> None:
        """Click a submit button and wait for the next page."""
        button = self.find(css)
        self.scroll_to(button)
        old = self.find("html")
        button.click()
        self.wait_for(lambda d: _stale(old))
        self.page_ready(shot=shot)

    def text(self) -> str:
        return self.find("body").text

    def messages(self) -> str:
        return " ".join(element.text for element in self.find_all(".messages, .form-errors, .errorlist"))

    # Downloads and failure captures

    def wait_for_download(self, suffix: str, timeout: float = 20) -> Path:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [p for p in self.download_dir.iterdir() if p.name.endswith(suffix)]
            if done:
                return done[0]
            time.sleep(0.2)
        raise AssertionError(f"no {suffix} file arrived in {self.download_dir}: "
                             f"{[p.name for p in self.download_dir.iterdir()]}")

    def save_failure(self, name: str) -> Path:
        FAILURES.mkdir(parents=True, exist_ok=True)
        (FAILURES / f"{name}.html").write_text(self.driver.page_source, encoding="utf-8")
        log = self.driver.get_log("browser")
        (FAILURES / f"{name}.console.json").write_text(json.dumps(log, indent=1, ensure_ascii=False),
                                                        encoding="utf-8")
        self.driver.get_screenshot_as_file(str(FAILURES / f"{name}.png"))
        return FAILURES

    def quit(self) -> None:
        self.driver.quit()


def _stale(element) -> bool:
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException:
        # Asked while the old page is being torn down, chromedriver may answer "unhandled inspector error": not an
        # answer either way, so ask again at the next poll.
        return False
    return False
