"""The organisation profile: names, 机关代字, branches and honours the deployment configures.

The profile is read once, at import, from the TOML file named by the environment variable
DOCGEN_PROFILE, or from the packaged schemas/profile.toml. Schemas build their choices
(branches, honours) from it, so a process must be restarted after the file is edited.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources


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
        """Names are how forms and documents refer to units and honours, so they must be unique."""
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


def load_profile(path: str | os.PathLike | None = None) -> Profile:
    """Read the profile from ``path``, $DOCGEN_PROFILE or the packaged default."""
    path = path or os.environ.get("DOCGEN_PROFILE")
    source = open(path, "rb") if path else resources.files(__package__).joinpath("profile.toml").open("rb")
    with source as file:
        raw = tomllib.load(file)
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
    except (KeyError, TypeError) as error:
        raise ProfileError(f"组织配置文件 {path or 'schemas/profile.toml'} 有误：{error}") from error


PROFILE = load_profile()
