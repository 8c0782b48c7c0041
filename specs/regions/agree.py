#!/usr/bin/env python3
"""Checks the committed region tables against the official SDK's own code.

    python3 specs/regions/agree.py [--cache DIR]

For every `<Service>.json` of this folder, pip installs the SDK package and version it
names (`pip download --no-deps`, as extract.py does), imports its region class from the
wheel and asks it, as a program using the SDK would (`<Service>Region.value_of(id)`), for
every region of its table; the answer must be the JSON's endpoints, the first (the one a
client uses) and the whole list. Regions the JSON has and the SDK refuses, and a typo the
SDK accepts, count as disagreements too. `sdk-core.json` is checked the same way against
`huaweicloudsdkcore` (`IamHelper.get_iam_endpoint`, `StsHelper.get_sts_endpoint`), with a
region none of the tables has for the defaults.

The SDK's overrides are switched off first (no `HUAWEICLOUD_SDK_REGION_*` variables, a
regions file that does not exist), so that only its tables answer. Needs the core's
dependencies (`pip install huaweicloudsdkcore==<version>` installs them); the core's own
code comes from the pinned wheel. Prints the figures; exit status 1 on any disagreement.
"""

import argparse
import glob
import importlib
import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ beside the committed files
import extract  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TYPO = "cn-nort-4"


def isolate_from_overrides(folder):
    for name in [n for n in os.environ if n.startswith("HUAWEICLOUD_SDK_")]:
        del os.environ[name]
    os.environ["HUAWEICLOUD_SDK_REGIONS_FILE"] = os.path.join(folder, "no-such-regions.yaml")


def region_class(table, cache):
    """The SDK's region class for the table's file, imported from the pinned wheel."""
    archive = extract.wheel(table["package"], table["version"], cache)
    sys.path.insert(0, archive.filename)
    module = importlib.import_module(table["file"][: -len(".py")].replace("/", "."))
    classes = [v for k, v in vars(module).items() if k.endswith("Region") and hasattr(v, "value_of")]
    if len(classes) != 1:
        sys.exit(f"{table['file']}: expected one region class, found {len(classes)}")
    return classes[0]


def check_service(path, cache, problems):
    table = json.load(open(path, encoding="utf-8"))
    service = os.path.basename(path)[: -len(".json")]
    cls = region_class(table, cache)
    counts = {"regions": 0, "first": 0, "all": 0}
    sdk_ids = list(cls.static_fields)
    if sdk_ids != list(table["regions"]):
        problems.append(f"{service}: the SDK lists {sdk_ids}, the JSON {list(table['regions'])}")
    for region_id in sdk_ids:
        counts["regions"] += 1
        ours = table["regions"].get(region_id, [])
        theirs = list(cls.value_of(region_id).endpoints)
        counts["first"] += bool(ours) and ours[0] == theirs[0]
        counts["all"] += ours == theirs
        if ours != theirs:
            problems.append(f"{service} {region_id}: SDK {theirs}, ours {ours}")
    for region_id in [r for r in table["regions"] if r not in cls.static_fields]:
        problems.append(f"{service} {region_id}: in the JSON, not in the SDK")
    try:
        cls.value_of(TYPO)
        problems.append(f"{service}: the SDK accepts the unknown region {TYPO}")
    except KeyError:
        counts["refused"] = 1
    return counts


def check_core(cache, problems):
    core = json.load(open(os.path.join(HERE, "sdk-core.json"), encoding="utf-8"))
    sys.path.insert(0, extract.wheel(core["package"], core["version"], cache).filename)
    from huaweicloudsdkcore.auth.internal import IamHelper, StsHelper

    counts = {}
    for kind, lookup in (("iam", IamHelper.get_iam_endpoint), ("sts", StsHelper.get_sts_endpoint)):
        agreeing = 0
        for region_id, endpoints in core[kind].items():
            theirs = lookup(region_id)
            agreeing += endpoints == [theirs]
            if endpoints != [theirs]:
                problems.append(f"core {kind} {region_id}: SDK {theirs}, ours {endpoints}")
        if lookup(TYPO) != core[f"{kind}_default"]:
            problems.append(f"core {kind}: SDK default {lookup(TYPO)}, ours {core[kind + '_default']}")
        counts[kind] = (agreeing, len(core[kind]))
    return core, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", help="folder for the downloaded wheels (default: a temporary one)")
    args = parser.parse_args()
    problems = []
    with tempfile.TemporaryDirectory() as temporary:
        cache = args.cache or temporary
        os.makedirs(cache, exist_ok=True)
        isolate_from_overrides(temporary)
        core, core_counts = check_core(cache, problems)
        paths = sorted(p for p in glob.glob(os.path.join(HERE, "*.json")) if not p.endswith("sdk-core.json"))
        totals = {"regions": 0, "first": 0, "all": 0, "refused": 0}
        for path in paths:
            for key, value in check_service(path, cache, problems).items():
                totals[key] += value
    print(f"services: {len(paths)}, regions: {totals['regions']}, "
          f"first endpoint agreeing: {totals['first']}, all endpoints agreeing: {totals['all']}, "
          f"unknown region refused by the SDK: {totals['refused']} of {len(paths)}")
    print(f"{core['package']} {core['version']}: IAM {core_counts['iam'][0]} of {core_counts['iam'][1]} "
          f"regions agreeing, STS {core_counts['sts'][0]} of {core_counts['sts'][1]}, defaults "
          f"{core['iam_default']} and {core['sts_default']}")
    for problem in problems:
        print(f"disagreement: {problem}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
