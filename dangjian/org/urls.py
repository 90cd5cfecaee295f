from django.urls import path

from dangjian.org.views import bodies, body_picker, excel, people, picker, posts

app_name = "org"
urlpatterns = [
    # Bodies: tree + table, detail, structure changes.
    path("", bodies.tree, name="tree"),
    # One level of the tree (an htmx fragment): the children of ?parent= as of ?on=.
    path("tree/nodes/", bodies.tree_nodes, name="tree_nodes"),
    path("bodies/new/", bodies.body_create_view, name="body_create"),
    # The body picker (an htmx fragment) that filters and forms choose a body with.
    path("bodies/pick/", body_picker.body_pick_view, name="body_pick"),
    path("bodies/<int:pk>/", bodies.body_detail, name="body_detail"),
    path("bodies/<int:pk>/edit/", bodies.body_edit, name="body_edit"),
    path("bodies/<int:pk>/rename/", bodies.body_rename_view, name="body_rename"),
    path("bodies/<int:pk>/move/", bodies.body_move_view, name="body_move"),
    path("bodies/<int:pk>/dissolve/", bodies.body_dissolve_view, name="body_dissolve"),
    path("bodies/<int:pk>/merge/", bodies.body_merge_view, name="body_merge"),
    # People.
    path("people/", people.person_list_view, name="person_list"),
    path("people/new/", people.person_create_view, name="person_create"),
    # The person picker (an htmx fragment) that forms choose a person with.
    path("people/pick/", picker.person_pick_view, name="person_pick"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/leave/", people.person_leave_view, name="person_leave"),
    # Posts.
    path("posts/", posts.post_list_view, name="post_list"),
    path("posts/new/", posts.post_assign_view, name="post_assign"),
    path("posts/<int:pk>/end/", posts.post_end_view, name="post_end"),
    # Excel.
    path("import/", excel.import_view, name="import"),
    path("import/template/<str:kind>.xlsx", excel.template_download, name="import_template"),
    path("export/<str:kind>.xlsx", excel.export_view, name="export"),
]
