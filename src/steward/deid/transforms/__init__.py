"""De-identification transforms, one module per family, as Polars expressions.

Each module keeps its pure logic testable on small frames; :mod:`.pipeline` carries out a
whole recipe on a LazyFrame and :mod:`.run` runs it from file to file with a manifest.
"""

from steward.deid.recipe import LoadedRecipe, RecipeError, load_recipe
from steward.deid.transforms.coding import top_bottom_code
from steward.deid.transforms.dates import offset_days, shift_dates
from steward.deid.transforms.keys import DeidKeys, derive_keys, load_keys
from steward.deid.transforms.mask import drop, mask
from steward.deid.transforms.noise import add_noise
from steward.deid.transforms.pipeline import Applied, apply_recipe
from steward.deid.transforms.pseudonymize import pseudonym, pseudonymize
from steward.deid.transforms.run import manifest_path, run_recipe
from steward.deid.transforms.suppression import suppress

__all__ = [
    "Applied",
    "DeidKeys",
    "LoadedRecipe",
    "RecipeError",
    "add_noise",
    "apply_recipe",
    "derive_keys",
    "drop",
    "load_keys",
    "load_recipe",
    "manifest_path",
    "mask",
    "offset_days",
    "pseudonym",
    "pseudonymize",
    "run_recipe",
    "shift_dates",
    "suppress",
    "top_bottom_code",
]
