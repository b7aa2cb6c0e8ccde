"""The rule engine: load and validate YAML packs, choose them, apply them."""

from cleaner.rules.loader import RulePackError, bundled_rules_dir, load_pack, load_packs
from cleaner.rules.model import Pack, Rule
from cleaner.rules.registry import PackRegistry, UnknownSiteError

__all__ = [
    "Pack",
    "PackRegistry",
    "Rule",
    "RulePackError",
    "UnknownSiteError",
    "bundled_rules_dir",
    "load_pack",
    "load_packs",
]
