"""Applicant types (table 三's columns) and receipt channels (Art. 31), as DOMAIN.md names them."""

from __future__ import annotations

APPLICANT_TYPES: dict[str, str] = {
    "natural_person": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "nonprofit": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
}

CHANNELS: dict[str, str] = {
    "in_person": "当面提交",
    "registered_post": "邮寄（需签收）",
    "ordinary_post": "平常信函",
    "online": "互联网",
    "fax": "传真",
}
