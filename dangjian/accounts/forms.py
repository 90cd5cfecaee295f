from __future__ import annotations

from django import forms

from dangjian.org.models import Body, Role


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


class UserCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=40)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, min_length=8)


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    body = forms.ModelChoiceField(label="范围", queryset=Body.objects.none())
    recursive = forms.BooleanField(label="含下级组织", required=False, initial=True)

    def __init__(self, *args: object, bodies: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if bodies is not None:
            self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
