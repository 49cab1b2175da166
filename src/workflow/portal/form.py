"""The application form of the portal (Art. 29): its fields, their checks and the texts
the case is registered with.

Art. 29 asks for the applicant's name, proof of identity and contact; a description of
the information (name, 文号 or another description); the form wanted (carrier, way of
obtaining it) and, under Art. 40, whether another form is acceptable. "Purpose" and fee
waivers, which older forms asked for, are not required since 2019 and are not asked.
Every problem is returned per field, in Chinese, as the form shows it beside the field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from workflow.codes import ApplicantType
from workflow.identity_numbers import credit_code_problem, normalise, resident_id_problem

CITIZEN = ApplicantType.NATURAL_PERSON.value
APPLICANT_TYPES = [(CITIZEN, "公民")] + [
    (member.value, f"法人或者其他组织（{member.label}）")
    for member in ApplicantType
    if member is not ApplicantType.NATURAL_PERSON
]
ID_TYPES = [
    ("resident_id", "居民身份证"),
    ("credit_code", "统一社会信用代码"),
    ("passport", "护照"),
    ("hk_macao", "港澳居民来往内地通行证"),
    ("taiwan", "台湾居民来往大陆通行证"),
    ("other", "其他有效证件"),
]
CARRIERS = [("paper", "纸质"), ("email", "电子邮件"), ("disc", "光盘"), ("disk", "磁盘")]
DELIVERIES = [
    ("post", "邮寄"),
    ("express", "快递"),
    ("email", "电子邮件"),
    ("fax", "传真"),
    ("collect", "自行领取"),
    ("inspect", "当场查阅、抄录"),
]
LIMITS = {
    "name": 100,
    "id_number": 32,
    "phone": 32,
    "email": 100,
    "address": 120,
    "info_name": 200,
    "doc_number": 100,
    "description": 2000,
    "help_detail": 300,
}
_EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,100}\.[A-Za-z]{2,24}")
_PHONE = re.compile(r"[0-9+\- ()]{5,32}")
_POSTCODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class ApplicationForm:
    agency: str
    applicant_type: str
    name: str
    id_type: str
    id_number: str
    phone: str
    email: str
    address: str
    postcode: str
    info_name: str
    doc_number: str
    description: str
    carrier: str
    delivery: str
    other_form_ok: bool
    help_needed: bool
    help_detail: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ApplicationForm:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})  # type: ignore[arg-type]

    @property
    def request_text(self) -> str:
        """The request as the case records it (所需信息 and the form wanted)."""
        lines = []
        if self.info_name:
            lines.append(f"所需信息名称：{self.info_name}")
        if self.doc_number:
            lines.append(f"文号：{self.doc_number}")
        if self.description:
            lines.append(f"所需信息描述：{self.description}")
        other = "可以接受其他方式" if self.other_form_ok else "不接受其他方式"
        lines.append(
            f"信息的提供形式：{label(CARRIERS, self.carrier)}，"
            f"获取方式：{label(DELIVERIES, self.delivery)}，{other}"
        )
        if self.help_needed:
            detail = f"：{self.help_detail}" if self.help_detail else ""
            lines.append(f"申请人需要帮助（第四十三条）{detail}")
        return "\n".join(lines)

    @property
    def contact_text(self) -> str:
        parts = []
        if self.phone:
            parts.append(f"电话 {self.phone}")
        if self.email:
            parts.append(f"电子邮件 {self.email}")
        if self.address:
            parts.append(
                f"地址 {self.address}" + (f"（邮编 {self.postcode}）" if self.postcode else "")
            )
        return "；".join(parts)

    @property
    def identity_text(self) -> str:
        return f"{label(ID_TYPES, self.id_type)} {self.id_number}"


def label(options: list[tuple[str, str]], code: str) -> str:
    return dict(options).get(code, code)


def _text(raw: Mapping[str, str], name: str) -> str:
    value = raw.get(name, "")
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def text_problem(value: str, limit: int, *, multiline: bool = False) -> str | None:
    """Too long, or holding characters no text has (control characters, NUL)."""
    if len(value) > limit:
        return f"不能超过{limit}个字符（现为{len(value)}个）"
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(char) in ("Cc", "Cs") and char not in allowed for char in value):
        return "含有不能使用的控制字符"
    return None


def read_form(
    raw: Mapping[str, str], agencies: Mapping[str, str]
) -> tuple[ApplicationForm, dict[str, str]]:
    """The form as given (to fill the page again) and its problems by field."""
    values = {name: _text(raw, name) for name in ApplicationForm.__dataclass_fields__}
    flags = {
        "other_form_ok": raw.get("other_form_ok") == "yes",
        "help_needed": "help_needed" in raw,
    }
    values["id_number"] = normalise(values["id_number"])
    form = ApplicationForm(**{**values, **flags})  # type: ignore[arg-type]
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        problem = text_problem(getattr(form, name), limit, multiline=name == "description")
        if problem:
            errors[name] = problem
    if form.agency not in agencies:
        errors["agency"] = "请选择受理申请的行政机关"
    if form.applicant_type not in dict(APPLICANT_TYPES):
        errors["applicant_type"] = "请选择申请人类型"
    if not form.name and "name" not in errors:
        errors["name"] = "请填写申请人姓名或名称"
    _check_identity(form, errors)
    if not (form.phone or form.email or form.address) and "phone" not in errors:
        errors["phone"] = "请至少填写一种联系方式（电话、电子邮件或通信地址）"
    if form.phone and "phone" not in errors and not _PHONE.fullmatch(form.phone):
        errors["phone"] = "电话号码只能含数字、空格、括号、加号和连字符"
    if form.email and "email" not in errors and not _EMAIL.fullmatch(form.email):
        errors["email"] = "电子邮件地址格式不正确，例如 name@example.com"
    if form.postcode and not _POSTCODE.fullmatch(form.postcode):
        errors["postcode"] = "邮政编码应为6位数字"
    if not (form.info_name or form.doc_number or form.description):
        errors.setdefault("info_name", "请填写所需信息的名称、文号或者描述（至少一项）")
    if form.carrier not in dict(CARRIERS):
        errors["carrier"] = "请选择信息的载体形式"
    if form.delivery not in dict(DELIVERIES):
        errors["delivery"] = "请选择获取信息的方式"
    if form.delivery in ("post", "express") and not form.address and "address" not in errors:
        errors["address"] = "邮寄或快递需要填写通信地址"
    if form.delivery == "email" and not form.email and "email" not in errors:
        errors["email"] = "以电子邮件获取信息需要填写电子邮件地址"
    if raw.get("confirm") != "yes":
        errors["confirm"] = "请确认所填内容真实并已阅读申请须知"
    return form, errors


def _check_identity(form: ApplicationForm, errors: dict[str, str]) -> None:
    if form.id_type not in dict(ID_TYPES):
        errors["id_type"] = "请选择身份证明的类型"
        return
    citizen = form.applicant_type == CITIZEN
    if citizen and form.id_type == "credit_code":
        errors["id_type"] = "公民请选择居民身份证或其他个人证件"
        return
    if not citizen and form.id_type not in ("credit_code", "other"):
        errors["id_type"] = "法人或者其他组织请选择统一社会信用代码或其他有效证件"
        return
    if "id_number" in errors:
        return
    if not form.id_number:
        errors["id_number"] = "请填写身份证明的号码"
    elif form.id_type == "resident_id":
        problem = resident_id_problem(form.id_number)
        if problem:
            errors["id_number"] = problem
    elif form.id_type == "credit_code":
        problem = credit_code_problem(form.id_number)
        if problem:
            errors["id_number"] = problem
    elif not re.fullmatch(r"[0-9A-Z()（）-]{5,32}", form.id_number):
        errors["id_number"] = "证件号码只能含数字、字母、括号和连字符（5至32位）"
