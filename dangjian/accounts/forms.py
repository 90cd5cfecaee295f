from __future__ import annotations

from django import forms

from dangjian.core.validation import ChineseForm
from dangjian.org.forms import BodyChoiceField
from dangjian.org.models import Body, Role


class LoginForm(ChineseForm):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


class UserCreateForm(ChineseForm):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=40)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, min_length=8)


class RoleGrantForm(ChineseForm):
    # The audit administrator is set on the server only (dangjian grant-auditor).
    role = forms.ChoiceField(label="角色", choices=[
        (value, label) for value, label in Role.choices if value != Role.AUDIT_ADMIN])
    body = BodyChoiceField(label="范围", queryset=Body.objects.none())
    recursive = forms.BooleanField(label="含下级组织", required=False, initial=True)

    def __init__(self, *args: object, bodies: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if bodies is not None:
            self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


class TokenCreateForm(ChineseForm):
    name = forms.CharField(label="名称", max_length=60,
                           help_text="写明用途或调用方，如“人事系统同步”",
                           error_messages={"required": "请填写令牌名称（如用途或调用方）",
                                           "max_length": "名称不能超过60个字符"})
    expires_on = forms.DateField(label="有效期至", required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"invalid": "日期格式应为“年-月-日”"},
                                 help_text="含当日；留空为长期有效，不用时请及时撤销")
