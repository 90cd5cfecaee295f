"""Input forms for the registry pages. Forms only parse; the services validate and decide.

Choice fields take their querysets from the view, already narrowed by the scope gate.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.core.validation import ChineseForm
from dangjian.org.models import (
    Body,
    BodyKind,
    CadreType,
    Education,
    Gender,
    Person,
    PoliticalStatus,
    PostKind,
)
from dangjian.org.tree import in_tree_order

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, required: bool = True, today: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE,
                           initial=timezone.localdate if today else None)


class _TreeOrder(forms.models.ModelChoiceIterator):
    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in in_tree_order(self.queryset):
            yield self.choice(obj)


class BodyChoiceField(forms.ModelChoiceField):
    """Bodies in tree order, indented by depth, with a search box (app.js, `data-filter`), so a
    select of a hundred bodies still reads as the tree and finds one by typing."""

    iterator = _TreeOrder

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("data-filter", "输入名称查找")

    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * obj.depth}{obj.name}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = obj.unit.short_name or obj.unit.name
        return f"{obj.name}（{unit}）"


def add_service_error(form: forms.Form, exc: ValidationError,
                      aliases: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError next to its field, or at the top of the form."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            name = aliases.get(key, key)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ScopedForm(ChineseForm):
    """A form whose choice fields get their (scoped) querysets at construction."""

    def __init__(self, *args: Any, querysets: dict[str, QuerySet[Any]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, qs in (querysets or {}).items():
            self.fields[name].queryset = qs  # type: ignore[attr-defined]


# Bodies ---------------------------------------------------------------------------------------

class BodyCreateForm(ScopedForm):
    parent = BodyChoiceField(label="上级组织", queryset=Body.objects.none())
    kind = forms.ChoiceField(label="类型", choices=[("", "请选择"), *BodyKind.choices])
    name = forms.CharField(label="名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    code = forms.CharField(label="机构代码", max_length=40, required=False)
    valid_from = _date("成立日期", today=True)
    sort_order = forms.IntegerField(label="排序", initial=0, required=False)


class BodyEditForm(ChineseForm):
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    code = forms.CharField(label="机构代码", max_length=40, required=False)
    sort_order = forms.IntegerField(label="排序", required=False)


class BodyRenameForm(ChineseForm):
    name = forms.CharField(label="新名称", max_length=100)
    on = _date("生效日期", today=True)


class BodyMoveForm(ScopedForm):
    parent = BodyChoiceField(label="新上级", queryset=Body.objects.none())
    on = _date("生效日期", today=True)


class BodyDissolveForm(ChineseForm):
    on = _date("撤销日期", today=True)
    reason = forms.CharField(label="撤销原因", max_length=200,
                             widget=forms.Textarea(attrs={"rows": 3}))


class BodyMergeForm(ScopedForm):
    into = BodyChoiceField(label="并入", queryset=Body.objects.none())
    on = _date("合并日期", today=True)


# People ---------------------------------------------------------------------------------------

class PersonForm(ScopedForm):
    name = forms.CharField(label="姓名", max_length=40)
    gender = forms.ChoiceField(label="性别", choices=[("", "请选择"), *Gender.choices])
    id_number = forms.CharField(label="身份证号", max_length=18, required=False,
                                help_text="18位，校验位按GB 11643计算；填写后可不填出生日期")
    birth_date = _date("出生日期", required=False)
    education = forms.ChoiceField(label="学历", choices=[("", "—"), *Education.choices],
                                  required=False)
    major = forms.CharField(label="专业", max_length=60, required=False)
    job_title = forms.CharField(label="行政职务", max_length=60, required=False)
    rank = forms.CharField(label="职级", max_length=40, required=False)
    political_status = forms.ChoiceField(label="政治面貌", choices=PoliticalStatus.choices,
                                         initial=PoliticalStatus.MEMBER)
    party_join_date = _date("入党日期", required=False)
    unit = BodyChoiceField(label="所在单位", queryset=Body.objects.none())
    branch = BodyChoiceField(label="所在党组织", queryset=Body.objects.none(), required=False,
                             empty_label="（无）")
    is_reserve_cadre = forms.BooleanField(label="后备干部", required=False)
    is_party_cadre = forms.BooleanField(label="党务干部", required=False)
    cadre_type = forms.ChoiceField(label="专兼职（党务干部）", choices=CadreType.choices,
                                   required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def service_fields(self, keep_id_number: bool = False) -> dict[str, Any]:
        """cleaned_data as the person services take it."""
        data = dict(self.cleaned_data)
        if keep_id_number and not data.get("id_number"):
            data.pop("id_number", None)  # an empty box on the edit page keeps the number
        return data


def person_initial(person: Person) -> dict[str, Any]:
    data = {name: getattr(person, name) for name in PersonForm.base_fields
            if name not in {"unit", "branch", "id_number"}}
    data["unit"], data["branch"] = person.unit_id, person.branch_id
    return data


class PersonLeaveForm(ChineseForm):
    on = _date("调离日期", today=True)
    reason = forms.CharField(label="原因", max_length=200, required=False,
                             help_text="如：调出县直机关、退休。其现任职务同日免去。")


# Posts ----------------------------------------------------------------------------------------

class PostAssignForm(ScopedForm):
    person = PersonChoiceField(label="人员", queryset=Person.objects.none())
    body = BodyChoiceField(label="组织机构", queryset=Body.objects.none())
    kind = forms.ChoiceField(label="职务", choices=[("", "请选择"), *PostKind.choices])
    portfolio = forms.CharField(label="分工", max_length=200, required=False,
                                help_text="党组成员的分工，如：分管党建、财务")
    start = _date("任职日期", today=True)


class PostEndForm(ChineseForm):
    on = _date("免职日期", today=True)
    reason = forms.CharField(label="原因", max_length=200, required=False)
