"""How strong a new password is (zxcvbn), and a passphrase the program can offer instead.

DESIGN.md 5: a new password must be hard to guess, a zxcvbn score of 3 or more, or the program offers a
generated passphrase. The passphrase is four words from a list of plain, gentle words (nothing a person
in crisis should have to read) and a two-digit number: about 39 bits, which at Argon2id's cost of a
second per guess on a desk PC, and far fewer per second than a fast hash on an attacker's hardware,
is out of reach; zxcvbn scores each one before it is offered.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from zxcvbn import zxcvbn

GOOD_ENOUGH = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable: moderate protection from offline attack"
_SCORED_UP_TO = 100  # zxcvbn's own limit on what it reads; longer passwords are judged on their start

WORDS = tuple(["acorn", "almond", "amber", "anchor", "apple", "apricot", "arch", "atlas", "autumn", "avocado", "badge", "bagel", "bakery", "balcony", "ball", "bamboo", "banana", "banjo", "barley", "basil", "basket", "beach", "beacon", "bean", "bear", "beaver", "bell", "berry", "bicycle", "birch", "biscuit", "blanket", "blossom", "blue", "boat", "bonnet", "book", "boot", "bottle", "bramble", "branch", "bread", "breeze", "brick", "bridge", "brook", "brush", "bubble", "bucket", "button", "cabin", "cactus", "cake", "camel", "candle", "canoe", "canvas", "canyon", "cardigan", "carrot", "castle", "cedar", "celery", "chalk", "cherry", "chestnut", "cider", "circle", "citrus", "cloud", "clover", "coconut", "comet", "compass", "copper", "coral", "cotton", "cousin", "cradle", "crayon", "cricket", "crumpet", "cupboard", "daisy", "dawn", "desk", "dolphin", "donkey", "dragonfly", "drum", "dune", "eagle", "easel", "elbow", "elm", "ember", "emerald", "engine", "falcon", "feather", "fern", "ferry", "fiddle", "field", "fig", "finch", "flannel", "flute", "forest", "fountain", "fox", "garden", "garnet", "gate", "ginger", "glacier", "globe", "glove", "goose", "granite", "grape", "gravy", "guitar", "hammock", "harbour", "harvest", "hazel", "heather", "hedge", "helmet", "heron", "hill", "honey", "horizon", "island", "ivy", "jacket", "jam", "jasmine", "jelly", "jigsaw", "juniper", "kettle", "kite", "kitten", "ladder", "lagoon", "lake", "lantern", "larch", "lemon", "lentil", "library", "lighthouse", "lilac", "lime", "linen", "lobster", "locket", "lotus", "maple", "marble", "meadow", "melon", "mitten", "moon", "moss", "mountain", "muffin", "mushroom", "napkin", "nectar", "nutmeg", "oak", "oasis", "ocean", "olive", "onion", "orange", "orchard", "otter", "owl", "paddle", "pancake", "panda", "paper", "parcel", "parsley", "pasta", "peach", "peanut", "pear", "pebble", "pelican", "pencil", "pepper", "piano", "pickle", "pillow", "pine", "planet", "plum", "pocket", "pond", "poppy", "porch", "potato", "pottery", "puffin", "pumpkin", "quartz", "quill", "rabbit", "radish", "rainbow", "raisin", "raven", "reed", "ribbon", "river", "robin", "rocket", "rose", "saddle", "saffron", "sail", "salmon", "sandal", "scarf", "seagull", "shell", "shore", "silver", "skylark", "slipper", "snail", "snowdrop", "sock", "sofa", "sparrow", "spinach", "spoon", "spruce", "squirrel", "star", "stream", "sugar", "summit", "sunrise", "swallow", "swan", "teapot", "thistle", "thimble", "tiger", "timber", "toast", "tomato", "torch", "tortoise", "towel", "tulip", "tunnel", "turnip", "umbrella", "valley", "velvet", "violet", "walnut", "walrus", "wand", "wave", "whistle", "willow", "window", "winter", "wren", "yarn", "yogurt", "zebra"])


def strength(password: str, user_inputs: Iterable[str] = ()) -> tuple[int, str]:
    """(zxcvbn score 0-4, its advice in a sentence or two; empty when it has none)."""
    inputs = [part for text in user_inputs for part in str(text).lower().split() if part]
    inputs += ["".join(str(text).lower().split()) for text in user_inputs]
    # Scored as typed and without its spaces (zxcvbn reads "mo manager 1" as three short guesses,
    # "momanager1" as the name it is); the weaker score counts.
    result = min((zxcvbn(form[:_SCORED_UP_TO], user_inputs=inputs)
                  for form in {password, "".join(password.split())} if form), key=lambda r: int(r["score"]))
    feedback = result.get("feedback") or {}
    advice = " ".join(filter(None, [feedback.get("warning") or "", *(feedback.get("suggestions") or [])[:1]]))
    return int(result["score"]), advice.strip()


def suggest_passphrase() -> str:
    """Four random words and a number, e.g. "otter lantern quartz meadow 47"; always scores 3 or more."""
    while True:
        words = [secrets.choice(WORDS) for _ in range(4)]
        phrase = " ".join(words) + f" {secrets.randbelow(90) + 10}"
        if len(set(words)) == 4 and strength(phrase)[0] >= GOOD_ENOUGH:
            return phrase
