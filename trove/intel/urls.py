from django.urls import path

from trove.intel import proceeding_views, views

app_name = "intel"

urlpatterns = [
    path("", views.tip_list, name="tips"),
    path("new/", views.tip_new, name="tip_new"),
    # Proceedings come before the tip codes, which would otherwise match "proceedings".
    path("proceedings/", proceeding_views.proceeding_list, name="proceedings"),
    path("proceedings/new/", proceeding_views.proceeding_new, name="proceeding_new"),
    path("proceedings/<str:code>/", proceeding_views.proceeding_detail, name="proceeding"),
    path("proceedings/<str:code>/stages/", proceeding_views.stage_record, name="stage_record"),
    path("proceedings/<str:code>/defendants/", proceeding_views.defendant_add, name="defendant_add"),
    path("proceedings/<str:code>/defendants/<int:defendant_id>/roles/", proceeding_views.defendant_roles,
         name="defendant_roles"),
    path("proceedings/<str:code>/defendants/<int:defendant_id>/charges/", proceeding_views.charge_add,
         name="charge_add"),
    path("proceedings/<str:code>/defendants/<int:defendant_id>/charges/<int:charge_id>/remove/",
         proceeding_views.charge_remove, name="charge_remove"),
    path("proceedings/<str:code>/defendants/<int:defendant_id>/sentence/", proceeding_views.sentence_record,
         name="sentence_record"),
    path("proceedings/<str:code>/victims/", proceeding_views.victim_link, name="victim_link"),
    path("proceedings/<str:code>/victims/<int:link_id>/remove/", proceeding_views.victim_unlink,
         name="victim_unlink"),
    path("<str:code>/", views.tip_detail, name="tip"),
    path("<str:code>/informant/", views.tip_informant, name="tip_informant"),
    path("<str:code>/classify/", views.tip_classify, name="tip_classify"),
    path("<str:code>/steps/", views.tip_step, name="tip_step"),
    path("<str:code>/outcome/", views.tip_conclude, name="tip_conclude"),
    path("<str:code>/assign/", views.tip_assign, name="tip_assign"),
    path("<str:code>/links/", views.tip_link, name="tip_link"),
    path("<str:code>/links/<int:link_id>/remove/", views.tip_unlink, name="tip_unlink"),
]
