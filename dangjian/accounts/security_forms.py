"""Forms of the password and second-factor pages (their rules are the services')."""

from __future__ import annotations

from django import forms

from dangjian.core.validation import ChineseForm

_PASSWORD = {"required": "请填写密码"}


class PasswordChangeForm(ChineseForm):
    current = forms.CharField(label="当前密码", widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}), error_messages=_PASSWORD, strip=False)
    new = forms.CharField(label="新密码", widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), error_messages=_PASSWORD, strip=False)
    repeat = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), error_messages=_PASSWORD, strip=False)


class PasswordResetForm(ChineseForm):
    new = forms.CharField(label="临时密码", widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), error_messages=_PASSWORD, strip=False,
        help_text="告知本人；本人下次登录时须修改")


class CodeForm(ChineseForm):
    code = forms.CharField(label="验证码", max_length=40, error_messages={
        "required": "请填写验证码", "max_length": "验证码过长"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                      "autofocus": True}))
