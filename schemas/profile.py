"""The organisation profile: names, 机关代字, branches, signatories and honours the organisation configures.

The profile starts as the packaged schemas/profile.toml; an app starts from the file its PROFILE
setting names (DOCGEN_PROFILE), then uses the profile an administrator stored (see
service/profile.py). PROFILE always stands for the profile in use: schemas read their choices
(branches, honours) and defaults from it when they validate, so a change needs no restart.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


class ProfileError(ValueError):
    """The profile file is missing a key or holds a value of the wrong kind."""


@dataclass(frozen=True)
class Unit:
    """A party organisation: the 总支 itself, one of its 支部 or a 驻外临时党支部."""

    name: str
    full_name: str
    code: str
    secretary: str


@dataclass(frozen=True)
class Honour:
    """An honour the organisation awards; team honours go to teams or branches."""

    name: str
    team: bool


@dataclass(frozen=True)
class Profile:
    """The whole profile, with look-ups by name."""

    organisation: Unit
    issuer_mark: str
    printing_office: str
    addressee: str
    phone: str
    branches: tuple[Unit, ...]
    overseas_branches: tuple[Unit, ...]
    honours: tuple[Honour, ...]

    def __post_init__(self):
        """Every value is a non-empty text (team a true/false); names are how forms and documents refer to
        units and honours, so they must be unique."""
        texts = [(key, getattr(self, key)) for key in ("issuer_mark", "printing_office", "addressee", "phone")]
        texts += [(f"{unit.name}.{key}", getattr(unit, key)) for unit in self.units
                  for key in ("name", "full_name", "code", "secretary")]
        texts += [(f"honours.{honour.name}", honour.name) for honour in self.honours]
        wrong = [key for key, value in texts if not isinstance(value, str) or not value.strip()]
        wrong += [f"honours.{h.name}.team" for h in self.honours if not isinstance(h.team, bool)]
        if wrong:
            raise ProfileError(f"组织配置中这些项应为非空文字（team 应为 true 或 false）：{'、'.join(map(str, wrong))}")
        for kind, things in (("组织", self.units), ("荣誉称号", self.honours)):
            names = [thing.name for thing in things]
            twice = sorted({name for name in names if names.count(name) > 1})
            if twice:
                raise ProfileError(f"组织配置中{kind}名称重复：{'、'.join(twice)}")

    @property
    def committee(self) -> str:
        """The 总支's committee, e.g. 中心党总支委员会, which adopts rules and decides awards."""
        return f"{self.organisation.name}委员会"

    @property
    def units(self) -> tuple[Unit, ...]:
        """Every organisation: the 总支, then its 支部, then its 驻外临时党支部."""
        return (self.organisation, *self.branches, *self.overseas_branches)

    def unit(self, name: str) -> Unit:
        """The organisation called ``name`` (its short name)."""
        return next(unit for unit in self.units if unit.name == name)

    def honour(self, name: str) -> Honour:
        """The honour called ``name``."""
        return next(honour for honour in self.honours if honour.name == name)


def default_text(path: str | os.PathLike | None = None) -> str:
    """The TOML text of ``path``, else of the packaged default."""
    source = Path(path) if path else resources.files(__package__).joinpath("profile.toml")
    return source.read_text(encoding="utf-8")


def load_profile(path: str | os.PathLike | None = None) -> Profile:
    """Read the profile from ``path``, else the packaged default."""
    return parse_profile(default_text(path), str(path or "schemas/profile.toml"))


def parse_profile(text: str, source: str = "") -> Profile:
    """The profile a TOML text describes; ProfileError (naming the file ``source``, if any) when it is not one."""
    where = f"组织配置文件 {source} " if source else "组织配置"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{where}不是有效的 TOML：{error}") from error
    try:
        org = raw["organisation"]
        return Profile(
            organisation=Unit(org["short_name"], org["name"], org["code"], org["secretary"]),
            issuer_mark=org["issuer_mark"],
            printing_office=org["printing_office"],
            addressee=org["addressee"],
            phone=org["phone"],
            branches=tuple(Unit(**unit) for unit in raw["branches"]),
            overseas_branches=tuple(Unit(**unit) for unit in raw.get("overseas_branches", [])),
            honours=tuple(Honour(**honour) for honour in raw["honours"]),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ProfileError(f"{where}有误：缺少或写错了 {error}") from error


class CurrentProfile:
    """Stands for the profile in use: every attribute is read from it at the moment it is needed."""

    def __init__(self, profile: Profile):
        self._profile = profile

    def use(self, profile: Profile) -> None:
        """Make ``profile`` the one in use (from the next read on, in every thread)."""
        self._profile = profile

    @property
    def current(self) -> Profile:
        """The profile in use itself."""
        return self._profile

    def __getattr__(self, name: str):
        """Attributes and look-ups of the profile in use."""
        return getattr(self._profile, name)


PROFILE = CurrentProfile(load_profile())
