# ruff: noqa: E501 - the table below is one row per URL, wider than a line.
"""Every URL pattern x every role answers the status the table below expects.

The test walks the whole resolver tree (the admin and its custom pages, the
contributor area, the account pages, the reader's site in both languages)
and builds each URL with real objects of unit A (tests/portal/authz_world):
a post of A in the status the page is about, a photo of A, A's incident...
Each role then requests it: GET for pages, POST for the views that only take
POST (each request in a savepoint that is rolled back, so one role's POST
changes nothing for the next).

A pattern missing from the table fails `test_every_url_pattern_is_classified`:
a new URL must be classified here before it ships.

Columns: anonymous, contributor of A, contributor of B, head of A, regional
reviewer of A's region, reviewer of another region, editor, administrator.
Tokens:
  200 403 404 405 ...  that status
  login   302 to the site's login (/masuk/?next=...)
  alogin  302 to the admin's login (/admin/login/?next=...)
  admin   302 to the newsroom (/admin/)
  302     any other redirect (a form's "done", a moved page)
  any     not checked: the answer says how the services are, not who asks
Contributor B asks for objects of A: what the issue wants is 404 there,
never 403 (nobody learns that another unit's post exists).
"""

import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from tests.portal.authz_world import ROLES, module_world

COLUMNS = ("anon", "cA", "cB", "headA", "revA", "revX", "editor", "admin")
assert len(COLUMNS) == len(ROLES)

# fmt: off
EXPECTED_TABLE = """
# key                                            method anon    cA      cB      headA   revA    revX    editor  admin
admin:index                                      GET    alogin  alogin  alogin  alogin  200     200     200     200
admin:login                                      GET    200     200     200     200     admin   admin   admin   admin
admin:logout                                     GET    admin   admin   admin   admin   405     405     405     405
admin:logout                                     POST   admin   admin   admin   admin   302     302     302     302
admin:password_change                            GET    alogin  alogin  alogin  alogin  200     200     200     200
admin:password_change_done                       GET    alogin  alogin  alogin  alogin  200     200     200     200
admin:autocomplete                               GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:jsi18n                                     GET    alogin  alogin  alogin  alogin  200     200     200     200
admin:view_on_site                               GET    alogin  alogin  alogin  alogin  302     404     302     302
admin:portal_sociallink_changelist               GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:portal_sociallink_add                      GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:portal_sociallink_history                  GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:portal_sociallink_delete                   GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:portal_sociallink_change                   GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/portal/sociallink/<path:object_id>/        GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:flatpages_flatpage_changelist              GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:flatpages_flatpage_add                     GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:flatpages_flatpage_history                 GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:flatpages_flatpage_delete                  GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:flatpages_flatpage_change                  GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/flatpages/flatpage/<path:object_id>/       GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:auth_group_changelist                      GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:auth_group_add                             GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:auth_group_history                         GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:auth_group_delete                          GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:auth_group_change                          GET    alogin  alogin  alogin  alogin  403     403     403     200
admin/auth/group/<path:object_id>/               GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:units_region_changelist                    GET    alogin  alogin  alogin  alogin  200     200     200     200
admin:units_region_add                           GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:units_region_history                       GET    alogin  alogin  alogin  alogin  200     200     200     200
admin:units_region_delete                        GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:units_region_change                        GET    alogin  alogin  alogin  alogin  200     200     200     200
admin/units/region/<path:object_id>/             GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:units_unit_import                          GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:units_unit_changelist                      GET    alogin  alogin  alogin  alogin  200     200     200     200
admin:units_unit_add                             GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:units_unit_history                         GET    alogin  alogin  alogin  alogin  200     200     200     200
admin:units_unit_delete                          GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:units_unit_change                          GET    alogin  alogin  alogin  alogin  200     200     200     200
admin:units_unit_change                          POST   alogin  alogin  alogin  alogin  403     403     403     200
admin/units/unit/<path:object_id>/               GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:units_user_import                          GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:auth_user_password_change                  GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:units_user_changelist                      GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:units_user_add                             GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:units_user_history                         GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:units_user_delete                          GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:units_user_change                          GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:units_user_change                          POST   alogin  alogin  alogin  alogin  403     403     403     200
admin/units/user/<path:object_id>/               GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:news_photo_changelist                      GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_photo_add                             GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:news_photo_history                         GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_photo_delete                          GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:news_photo_change                          GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_photo_change                          POST   alogin  alogin  alogin  alogin  403     403     403     403
admin/news/photo/<path:object_id>/               GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:news_post_decide                           GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_post_decide                           POST   alogin  alogin  alogin  alogin  403     403     302     302
admin:news_post_preview                          GET    alogin  404     404     404     404     404     200     200
admin:news_post_recommend                        GET    alogin  alogin  alogin  alogin  200     404     302     302
admin:news_post_recommend                        POST   alogin  alogin  alogin  alogin  200     404     200     200
admin:news_post_photo                            GET    alogin  alogin  alogin  alogin  403     404     200     200
admin:news_post_photo                            POST   alogin  alogin  alogin  alogin  403     404     200     200
admin:news_post_photo_delete                     GET    alogin  alogin  alogin  alogin  403     404     200     200
admin:news_post_photo_delete                     POST   alogin  alogin  alogin  alogin  403     404     302     302
admin:news_post_upload_image                     POST   alogin  alogin  alogin  alogin  403     404     400     400
admin:news_post_compare                          GET    alogin  alogin  alogin  alogin  200     404     200     200
admin:news_post_revisions                        GET    alogin  alogin  alogin  alogin  403     404     200     200
admin:news_post_revision_diff                    GET    alogin  alogin  alogin  alogin  403     404     200     200
admin:news_post_photo_blur                       GET    alogin  alogin  alogin  alogin  403     404     200     200
admin:news_post_photo_blur                       POST   alogin  alogin  alogin  alogin  403     404     200     200
admin:news_post_changelist                       GET    alogin  alogin  alogin  alogin  200     200     200     200
admin:news_post_add                              GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:news_post_history                          GET    alogin  alogin  alogin  alogin  200     404     200     200
admin:news_post_delete                           GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:news_post_change                           GET    alogin  alogin  alogin  alogin  200     admin   200     200
admin:news_post_change                           POST   alogin  alogin  alogin  alogin  403     403     200     200
admin/news/post/<path:object_id>/                GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:news_refusalreason_changelist              GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_refusalreason_add                     GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_refusalreason_history                 GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_refusalreason_delete                  GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_refusalreason_change                  GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/news/refusalreason/<path:object_id>/       GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:news_category_changelist                   GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_category_add                          GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_category_history                      GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_category_delete                       GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_category_change                       GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/news/category/<path:object_id>/            GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:news_tag_changelist                        GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_tag_add                               GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_tag_history                           GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_tag_delete                            GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:news_tag_change                            GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/news/tag/<path:object_id>/                 GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:awards_statistics                          GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_ranking                             GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_record_winners                      GET    alogin  alogin  alogin  alogin  405     405     405     405
admin:awards_posts_behind                        GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_awardperiod_changelist              GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_awardperiod_add                     GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_awardperiod_history                 GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_awardperiod_delete                  GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:awards_awardperiod_change                  GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/awards/awardperiod/<path:object_id>/       GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:awards_awardcategory_changelist            GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_awardcategory_add                   GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_awardcategory_history               GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_awardcategory_delete                GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:awards_awardcategory_change                GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/awards/awardcategory/<path:object_id>/     GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:awards_awardwinner_changelist              GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_awardwinner_add                     GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:awards_awardwinner_history                 GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_awardwinner_delete                  GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:awards_awardwinner_change                  GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/awards/awardwinner/<path:object_id>/       GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:awards_awardresult_changelist              GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_awardresult_add                     GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:awards_awardresult_history                 GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_awardresult_delete                  GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:awards_awardresult_change                  GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/awards/awardresult/<path:object_id>/       GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:awards_socialaccount_changelist            GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_socialaccount_add                   GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_socialaccount_history               GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_socialaccount_delete                GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:awards_socialaccount_change                GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/awards/socialaccount/<path:object_id>/     GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:awards_socialreport_changelist             GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_socialreport_add                    GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:awards_socialreport_history                GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_socialreport_delete                 GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:awards_socialreport_change                 GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/awards/socialreport/<path:object_id>/      GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:awards_incident_changelist                 GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_incident_add                        GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:awards_incident_history                    GET    alogin  alogin  alogin  alogin  403     403     200     200
admin:awards_incident_delete                     GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:awards_incident_change                     GET    alogin  alogin  alogin  alogin  403     403     200     200
admin/awards/incident/<path:object_id>/          GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:sites_site_changelist                      GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:sites_site_add                             GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:sites_site_history                         GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:sites_site_delete                          GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:sites_site_change                          GET    alogin  alogin  alogin  alogin  403     403     403     200
admin/sites/site/<path:object_id>/               GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:axes_accessattempt_changelist              GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:axes_accessattempt_add                     GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:axes_accessattempt_history                 GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:axes_accessattempt_delete                  GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:axes_accessattempt_change                  GET    alogin  alogin  alogin  alogin  403     403     403     200
admin/axes/accessattempt/<path:object_id>/       GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:axes_accesslog_changelist                  GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:axes_accesslog_add                         GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:axes_accesslog_history                     GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:axes_accesslog_delete                      GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:axes_accesslog_change                      GET    alogin  alogin  alogin  alogin  403     403     403     200
admin/axes/accesslog/<path:object_id>/           GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:axes_accessfailurelog_changelist           GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:axes_accessfailurelog_add                  GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:axes_accessfailurelog_history              GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:axes_accessfailurelog_delete               GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:axes_accessfailurelog_change               GET    alogin  alogin  alogin  alogin  403     403     403     200
admin/axes/accessfailurelog/<path:object_id>/    GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:otp_totp_totpdevice_config                 GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:otp_totp_totpdevice_qrcode                 GET    alogin  alogin  alogin  alogin  403     403     403     403
admin:otp_totp_totpdevice_changelist             GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:otp_totp_totpdevice_add                    GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:otp_totp_totpdevice_history                GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:otp_totp_totpdevice_delete                 GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:otp_totp_totpdevice_change                 GET    alogin  alogin  alogin  alogin  403     403     403     200
admin/otp_totp/totpdevice/<path:object_id>/      GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:otp_static_staticdevice_changelist         GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:otp_static_staticdevice_add                GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:otp_static_staticdevice_history            GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:otp_static_staticdevice_delete             GET    alogin  alogin  alogin  alogin  403     403     403     200
admin:otp_static_staticdevice_change             GET    alogin  alogin  alogin  alogin  403     403     403     200
admin/otp_static/staticdevice/<path:object_id>/  GET    alogin  alogin  alogin  alogin  302     302     302     302
admin:app_list                                   GET    alogin  alogin  alogin  alogin  200     200     200     200
admin/(?P<url>.*)$                               GET    alogin  alogin  alogin  alogin  404     404     404     404
login                                            GET    200     200     200     200     200     200     200     200
logout                                           POST   302     302     302     302     302     302     302     302
profile                                          GET    login   200     200     200     200     200     200     200
password_change                                  GET    login   200     200     200     200     200     200     200
password_change_done                             GET    login   200     200     200     200     200     200     200
password_reset                                   GET    200     200     200     200     200     200     200     200
password_reset_done                              GET    200     200     200     200     200     200     200     200
password_reset_confirm                           GET    200     200     200     200     200     200     200     200
password_reset_complete                          GET    200     200     200     200     200     200     200     200
admin_password_reset                             GET    200     200     200     200     200     200     200     200
otp_verify                                       GET    login   302     302     302     302     302     302     302
otp_enrol                                        GET    login   200     200     200     200     200     200     200
otp_recovery_codes                               GET    login   302     302     302     200     200     200     200
otp_disable                                      GET    login   302     302     302     302     302     302     302
favicon                                          GET    302     302     302     302     302     302     302     302
health                                           GET    any     any     any     any     any     any     any     any
news:dashboard                                   GET    login   200     200     200     admin   admin   admin   admin
news:create                                      GET    login   200     200     200     admin   admin   admin   admin
news:create                                      POST   login   200     200     200     403     403     403     403
news:checklist                                   POST   login   200     200     200     403     403     403     403
news:post                                        GET    login   200     404     200     admin   admin   admin   admin
news:edit                                        GET    login   200     404     200     admin   admin   admin   admin
news:edit                                        POST   login   200     404     200     403     403     403     403
news:preview                                     GET    login   200     404     200     302     302     302     302
news:submit                                      POST   login   302     404     302     403     403     403     403
news:withdraw                                    POST   login   302     404     302     403     403     403     403
news:head_approve                                POST   login   403     404     302     403     403     403     403
news:head_return                                 POST   login   403     404     302     403     403     403     403
news:photos                                      GET    login   200     404     200     admin   admin   admin   admin
news:photo_remove                                GET    login   200     404     200     admin   admin   admin   admin
news:photo_remove                                POST   login   302     404     302     403     403     403     403
news:photo_edit                                  GET    login   200     404     200     admin   admin   admin   admin
news:photo_edit                                  POST   login   200     404     200     403     403     403     403
news:copy                                        POST   login   302     404     302     403     403     403     403
news:upload_image                                POST   403     400     400     400     403     403     403     403
awards:dashboard                                 GET    login   200     200     200     admin   admin   admin   admin
awards:social                                    GET    login   200     200     200     admin   admin   admin   admin
awards:social                                    POST   login   200     200     200     403     403     403     403
awards:incidents                                 GET    login   200     200     200     admin   admin   admin   admin
awards:incidents                                 POST   login   200     200     200     403     403     403     403
awards:clarify                                   GET    login   405     405     405     admin   admin   admin   admin
home                                             GET    200     200     200     200     200     200     200     200
public:robots                                    GET    200     200     200     200     200     200     200     200
public:sitemap                                   GET    200     200     200     200     200     200     200     200
public:sitemap_section                           GET    200     200     200     200     200     200     200     200
public:feed_rss                                  GET    200     200     200     200     200     200     200     200
public:feed_atom                                 GET    200     200     200     200     200     200     200     200
public:unit_feed_rss                             GET    200     200     200     200     200     200     200     200
public:unit_feed_atom                            GET    200     200     200     200     200     200     200     200
public:region_feed_rss                           GET    200     200     200     200     200     200     200     200
public:region_feed_atom                          GET    200     200     200     200     200     200     200     200
public:category_feed_rss                         GET    200     200     200     200     200     200     200     200
public:category_feed_atom                        GET    200     200     200     200     200     200     200     200
public:home                                      GET    200     200     200     200     200     200     200     200
public:article                                   GET    200     200     200     200     200     200     200     200
public:unit                                      GET    200     200     200     200     200     200     200     200
public:region                                    GET    200     200     200     200     200     200     200     200
public:category                                  GET    200     200     200     200     200     200     200     200
public:tag                                       GET    200     200     200     200     200     200     200     200
public:archive                                   GET    200     200     200     200     200     200     200     200
public:archive_year                              GET    200     200     200     200     200     200     200     200
public:archive_month                             GET    200     200     200     200     200     200     200     200
public:awards                                    GET    200     200     200     200     200     200     200     200
public:search                                    GET    200     200     200     200     200     200     200     200
public:read_count                                GET    200     200     200     200     200     200     200     200
public:site_page                                 GET    200     200     200     200     200     200     200     200
media                                            GET    404     200     404     200     404     404     200     200
"""
# fmt: on


def parse_table(text: str) -> dict[tuple[str, str], dict[str, str]]:
    """(key, method) -> role -> token. A key may have a GET and a POST row."""
    table = {}
    for line in text.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, method, *tokens = line.split()
        assert method in ("GET", "POST"), line
        assert len(tokens) == len(ROLES), line
        assert (key, method) not in table, "twice in the table: %s" % line
        table[(key, method)] = dict(zip(ROLES, tokens, strict=True))
    return table


EXPECTED = parse_table(EXPECTED_TABLE)


# --- The walk ---------------------------------------------------------------


def walk(patterns, namespace="", prefix="", localized=False):
    """(key, route, localized) for every endpoint; the key is the URL name
    with its namespace, or the route for the admin's unnamed redirects."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = (
                    "%s:%s" % (namespace, pattern.namespace)
                    if namespace
                    else (pattern.namespace)
                )
            yield from walk(
                pattern.url_patterns,
                ns,
                prefix + str(pattern.pattern),
                localized or isinstance(pattern.pattern, LocalePrefixPattern),
            )
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                key = "%s:%s" % (namespace, pattern.name) if namespace else pattern.name
            else:
                key = route
            yield key, route, localized


def url_patterns() -> list[tuple[str, str, bool]]:
    return list(walk(get_resolver().url_patterns))


# --- URLs built from the world ---------------------------------------------

# The admin's generic model pages: app_model -> the object they are about.
ADMIN_OBJECTS = {
    "portal_sociallink": lambda w: w.objects["social_link"],
    "flatpages_flatpage": lambda w: w.objects["flatpage"],
    "auth_group": lambda w: __import__(
        "django.contrib.auth.models", fromlist=["Group"]
    ).Group.objects.get(name="Kontributor UPT"),
    "units_region": lambda w: w.region_a,
    "units_unit": lambda w: w.unit_a,
    "units_user": lambda w: w.users["contributor_a"],
    "news_photo": lambda w: w.objects["photo_submitted"],
    "news_post": lambda w: w.posts_a["submitted"],
    "news_refusalreason": lambda w: w.objects["reason"],
    "news_category": lambda w: w.objects["category"],
    "news_tag": lambda w: w.objects["tag"],
    "awards_awardperiod": lambda w: w.objects["period"],
    "awards_awardcategory": lambda w: w.objects["award_category"],
    "awards_awardwinner": lambda w: w.objects["award_winner"],
    "awards_awardresult": lambda w: w.objects["award_result"],
    "awards_socialaccount": lambda w: w.objects["social_account"],
    "awards_socialreport": lambda w: w.objects["social_report"],
    "awards_incident": lambda w: w.objects["incident"],
    "sites_site": lambda w: w.objects["site"],
    "axes_accessattempt": lambda w: w.objects["access_attempt"],
    "axes_accesslog": lambda w: w.objects["access_log"],
    "axes_accessfailurelog": lambda w: w.objects["access_failure"],
    "otp_totp_totpdevice": lambda w: w.objects["totp_device"],
    "otp_static_staticdevice": lambda w: w.objects["static_device"],
}


def _post(w, status):
    return w.posts_a[status].pk


# URL name -> the path, for the patterns that need arguments or are unnamed.
SPECIAL_URLS = {
    # Contributor area: the post of A in the status the page is for.
    "news:post": lambda w: reverse("news:post", args=[_post(w, "draft")]),
    "news:edit": lambda w: reverse("news:edit", args=[_post(w, "draft")]),
    "news:preview": lambda w: reverse("news:preview", args=[_post(w, "draft")]),
    "news:submit": lambda w: reverse("news:submit", args=[_post(w, "draft")]),
    "news:withdraw": lambda w: reverse("news:withdraw", args=[_post(w, "submitted")]),
    "news:head_approve": lambda w: reverse(
        "news:head_approve", args=[_post(w, "head_review")]
    ),
    "news:head_return": lambda w: reverse(
        "news:head_return", args=[_post(w, "head_review")]
    ),
    "news:photos": lambda w: reverse("news:photos", args=[_post(w, "draft")]),
    "news:photo_remove": lambda w: reverse(
        "news:photo_remove",
        args=[_post(w, "draft"), w.objects["photo_draft"].pk],
    ),
    "news:photo_edit": lambda w: reverse(
        "news:photo_edit", args=[_post(w, "draft"), w.objects["photo_draft"].pk]
    ),
    "news:copy": lambda w: reverse("news:copy", args=[_post(w, "rejected")]),
    "awards:clarify": lambda w: reverse(
        "awards:clarify", args=[w.objects["incident"].pk]
    ),
    # Newsroom pages of a post: the submitted post of A.
    "admin:news_post_decide": lambda w: reverse(
        "admin:news_post_decide", args=[_post(w, "submitted"), "setujui"]
    ),
    "admin:news_post_preview": lambda w: reverse(
        "admin:news_post_preview", args=[_post(w, "draft")]
    ),
    "admin:news_post_photo": lambda w: reverse(
        "admin:news_post_photo",
        args=[_post(w, "submitted"), w.objects["photo_submitted"].pk],
    ),
    "admin:news_post_photo_delete": lambda w: reverse(
        "admin:news_post_photo_delete",
        args=[_post(w, "submitted"), w.objects["photo_submitted"].pk],
    ),
    "admin:news_post_photo_blur": lambda w: reverse(
        "admin:news_post_photo_blur",
        args=[_post(w, "submitted"), w.objects["photo_submitted"].pk],
    ),
    "admin:news_post_recommend": lambda w: reverse(
        "admin:news_post_recommend", args=[_post(w, "submitted")]
    ),
    "admin:news_post_upload_image": lambda w: reverse(
        "admin:news_post_upload_image", args=[_post(w, "submitted")]
    ),
    "admin:news_post_compare": lambda w: reverse(
        "admin:news_post_compare",
        args=[_post(w, "submitted"), _post(w, "published")],
    ),
    "admin:news_post_revision_diff": lambda w: reverse(
        "admin:news_post_revision_diff",
        args=[_post(w, "published"), w.objects["revision"].pk],
    ),
    "admin:news_post_revisions": lambda w: reverse(
        "admin:news_post_revisions", args=[_post(w, "published")]
    ),
    "admin:awards_ranking": lambda w: reverse(
        "admin:awards_ranking",
        args=[w.objects["period"].pk, w.objects["award_category"].slug],
    ),
    "admin:awards_record_winners": lambda w: reverse(
        "admin:awards_record_winners",
        args=[w.objects["period"].pk, w.objects["award_category"].slug],
    ),
    "admin:awards_posts_behind": lambda w: reverse(
        "admin:awards_posts_behind", args=[w.objects["period"].pk, w.unit_a.pk]
    ),
    "admin:auth_user_password_change": lambda w: reverse(
        "admin:auth_user_password_change", args=[w.users["contributor_a"].pk]
    ),
    "admin:view_on_site": lambda w: reverse(
        "admin:view_on_site",
        args=[w.objects["post_content_type"].pk, _post(w, "published")],
    ),
    "admin:app_list": lambda w: reverse("admin:app_list", args=["news"]),
    "admin/(?P<url>.*)$": lambda w: "/admin/tidak-ada/",
    "admin:otp_totp_totpdevice_config": lambda w: reverse(
        "admin:otp_totp_totpdevice_config", args=[w.objects["totp_device"].pk]
    ),
    "admin:otp_totp_totpdevice_qrcode": lambda w: reverse(
        "admin:otp_totp_totpdevice_qrcode", args=[w.objects["totp_device"].pk]
    ),
    "password_reset_confirm": lambda w: reverse(
        "password_reset_confirm", args=["MQ", "set-password"]
    ),
    # The reader's site: A's published post, A's unit and region...
    "public:article": lambda w: reverse(
        "public:article", args=[w.posts_a["published"].slug]
    ),
    "public:unit": lambda w: reverse("public:unit", args=[w.unit_a.slug]),
    "public:region": lambda w: reverse("public:region", args=[w.region_a.slug]),
    "public:category": lambda w: reverse(
        "public:category", args=[w.objects["category"].slug]
    ),
    "public:tag": lambda w: reverse("public:tag", args=[w.objects["tag"].slug]),
    "public:archive_year": lambda w: reverse(
        "public:archive_year", args=[w.posts_a["published"].published_at.year]
    ),
    "public:archive_month": lambda w: reverse(
        "public:archive_month",
        args=[
            w.posts_a["published"].published_at.year,
            w.posts_a["published"].published_at.month,
        ],
    ),
    "public:read_count": lambda w: reverse(
        "public:read_count", args=[_post(w, "published")]
    ),
    "public:site_page": lambda w: reverse("public:site_page", args=["tentang-authz/"]),
    "public:sitemap_section": lambda w: reverse(
        "public:sitemap_section", args=["berita"]
    ),
    "public:unit_feed_rss": lambda w: reverse(
        "public:unit_feed_rss", args=[w.unit_a.slug]
    ),
    "public:unit_feed_atom": lambda w: reverse(
        "public:unit_feed_atom", args=[w.unit_a.slug]
    ),
    "public:region_feed_rss": lambda w: reverse(
        "public:region_feed_rss", args=[w.region_a.slug]
    ),
    "public:region_feed_atom": lambda w: reverse(
        "public:region_feed_atom", args=[w.region_a.slug]
    ),
    "public:category_feed_rss": lambda w: reverse(
        "public:category_feed_rss", args=[w.objects["category"].slug]
    ),
    "public:category_feed_atom": lambda w: reverse(
        "public:category_feed_atom", args=[w.objects["category"].slug]
    ),
    # A draft's photo file, in the private storage (news.views.media).
    "media": lambda w: "/media/%s" % w.objects["photo_draft"].image.name,
}

ADMIN_MODEL_URL = re.compile(r"^admin:(?P<model>.+)_(?P<view>history|delete|change)$")
ADMIN_OBJECT_REDIRECT = re.compile(
    r"^admin/(?P<app>[a-z_]+)/(?P<model>[a-z_]+)/<path:object_id>/$"
)


def build_url(key: str, w) -> str:
    if key in SPECIAL_URLS:
        return SPECIAL_URLS[key](w)
    match = ADMIN_MODEL_URL.match(key)
    if match and match["model"] in ADMIN_OBJECTS:
        obj = ADMIN_OBJECTS[match["model"]](w)
        return reverse(key, args=[obj.pk])
    match = ADMIN_OBJECT_REDIRECT.match(key)
    if match:
        obj = ADMIN_OBJECTS["%s_%s" % (match["app"], match["model"])](w)
        return "/admin/%s/%s/%s/" % (match["app"], match["model"], obj.pk)
    return reverse(key)


# --- Requests ---------------------------------------------------------------


def token(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/masuk/"):
            return "login"
        if location.startswith("/admin/login/"):
            return "alogin"
        if location == "/admin/":
            return "admin"
        return "302"
    return str(response.status_code)


def request_as(world, role: str, method: str, url: str) -> str:
    """The token for one request, every change it makes rolled back."""
    # One client for the module: a new Client loads the middleware again,
    # and WhiteNoise's scan of the static files costs more than a request.
    client = world.client
    client.cookies.clear()
    session_key = world.sessions.get(role)
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    with transaction.atomic():
        response = client.post(url, {}) if method == "POST" else client.get(url)
        transaction.set_rollback(True)
    return token(response)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    for world in module_world(django_db_blocker):
        world.client = Client()
        yield world


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    # An anonymous GET may be answered from the page cache: every status
    # here must be the view's own.
    settings.PAGE_CACHE_ENABLED = False


def cases():
    """(key, method, language) for every row; localized pages in both languages."""
    localized = {key for key, _route, loc in url_patterns() if loc}
    out = []
    for key, method in EXPECTED:
        out.append((key, method, "id"))
        if key in localized:
            out.append((key, method, "en"))
    return out


def test_every_url_pattern_is_classified():
    keys = {key for key, _route, _localized in url_patterns()}
    classified = {key for key, _method in EXPECTED}
    unclassified = sorted(keys - classified)
    assert unclassified == [], (
        "URL patterns missing from EXPECTED_TABLE in %s (classify each: "
        "which role may open it?): %s" % (__file__, unclassified)
    )
    stale = sorted(classified - keys)
    assert stale == [], "rows for URL patterns that no longer exist: %s" % stale


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "method", "language"), cases(), ids=["%s-%s-%s" % c for c in cases()]
)
def test_url_answers_each_role_as_the_table_says(world, key, method, language):
    expected = EXPECTED[(key, method)]
    with translation.override(language):
        url = build_url(key, world)
    got = {role: request_as(world, role, method, url) for role in ROLES}
    wrong = {
        role: "expected %s, got %s" % (expected[role], got[role])
        for role in ROLES
        if expected[role] not in (got[role], "any")
    }
    assert wrong == {}, "%s %s (%s): %s\nrow: %-40s %s %s" % (
        method,
        url,
        key,
        wrong,
        key,
        method,
        " ".join(got[r] for r in ROLES),
    )
