#!/usr/bin/env python3
"""Region tables of Huawei Cloud's official Python SDK, written as committed JSON.

    python3 specs/regions/extract.py                 # every service of SERVICES
    python3 specs/regions/extract.py ECS VPN         # some of them

For each service, pip installs its SDK package at the pinned version (`pip download
--no-deps` into a cache folder, `--cache DIR`, default a temporary one) and the script
reads the package's `<package>/v*/region/*_region.py` without running it: every
`Region("id", "endpoint", ...)` of the class, in the order of its `static_fields`, which
is the order the SDK lists them in. It writes `<Service>.json`:

    {"package": "huaweicloudsdkecs", "version": "3.1.219",
     "file": "huaweicloudsdkecs/v2/region/ecs_region.py",
     "regions": {"cn-north-1": ["https://ecs.cn-north-1.myhuaweicloud.com"], ...}}

and `sdk-core.json` from `huaweicloudsdkcore`: the IAM and STS endpoint tables of
`auth/endpoint.py` and the defaults of `auth/internal.py` (`IamHelper.DEFAULT_ENDPOINT`,
`StsHelper.DEFAULT_STS_ENDPOINT`), which the SDK uses for a region its table lacks. The
same core tables are written as Rust to the runtime (`region_table.rs`), which cannot read
files of this folder once published. Needs Python 3.8+ and pip; nothing is imported from
the SDK.
"""

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
RUST_TABLE = os.path.join(HERE, "..", "..", "codegen", "runtime", "src", "huawei", "region_table.rs")

SDK_VERSION = "3.1.219"

# Our service name (a generated crate's `SERVICE.name`, the JSON's file name): the SDK
# package, its version, and the API version folder where the package has several whose
# tables differ (None: the only one, or all alike). Every Huawei service with a crate or
# golden case here that has an SDK package; VIS, CMS and KooPhone have none.
SERVICES = {
    "AOS": ("huaweicloudsdkaos", SDK_VERSION, None),
    "BMS": ("huaweicloudsdkbms", SDK_VERSION, None),
    "CAE": ("huaweicloudsdkcae", SDK_VERSION, None),
    "CC": ("huaweicloudsdkcc", SDK_VERSION, None),
    "CCE": ("huaweicloudsdkcce", SDK_VERSION, None),
    "COC": ("huaweicloudsdkcoc", SDK_VERSION, None),
    # The last release of CodeHub's package.
    "CodeHub": ("huaweicloudsdkcodehub", "3.1.173", None),
    "CPH": ("huaweicloudsdkcph", SDK_VERSION, None),
    "CSE": ("huaweicloudsdkcse", SDK_VERSION, None),
    "DataArtsStudio": ("huaweicloudsdkdataartsstudio", SDK_VERSION, None),
    "DGC": ("huaweicloudsdkdgc", SDK_VERSION, None),
    "ECS": ("huaweicloudsdkecs", SDK_VERSION, None),
    "FRS": ("huaweicloudsdkfrs", SDK_VERSION, None),
    "FunctionGraph": ("huaweicloudsdkfunctiongraph", SDK_VERSION, None),
    "HSS": ("huaweicloudsdkhss", SDK_VERSION, None),
    "IAM": ("huaweicloudsdkiam", SDK_VERSION, None),
    "IEF": ("huaweicloudsdkief", SDK_VERSION, None),
    "ImageSearch": ("huaweicloudsdkimagesearch", SDK_VERSION, None),
    "Kafka": ("huaweicloudsdkkafka", SDK_VERSION, None),
    "LTS": ("huaweicloudsdklts", SDK_VERSION, None),
    "MAS": ("huaweicloudsdkmas", SDK_VERSION, None),
    "MetaStudio": ("huaweicloudsdkmetastudio", SDK_VERSION, None),
    "OBS": ("huaweicloudsdkobs", SDK_VERSION, None),
    "RDS": ("huaweicloudsdkrds", SDK_VERSION, None),
    "SA": ("huaweicloudsdksa", SDK_VERSION, None),
    "STS": ("huaweicloudsdksts", SDK_VERSION, None),
    "SWR": ("huaweicloudsdkswr", SDK_VERSION, None),
    "VCM": ("huaweicloudsdkvcm", SDK_VERSION, None),
    "VPN": ("huaweicloudsdkvpn", SDK_VERSION, None),
}

CORE = ("huaweicloudsdkcore", SDK_VERSION)


def wheel(package, version, cache):
    """The wheel of `package==version` in `cache`, downloaded there by pip if missing."""
    prefix = f"{package}-{version}-"
    found = [f for f in os.listdir(cache) if f.startswith(prefix) and f.endswith(".whl")]
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
             "-d", cache, f"{package}=={version}"],
            check=True,
        )
        found = [f for f in os.listdir(cache) if f.startswith(prefix) and f.endswith(".whl")]
    if len(found) != 1:
        sys.exit(f"expected one wheel of {package} {version} in {cache}, found {found}")
    return zipfile.ZipFile(os.path.join(cache, found[0]))


def literal_string(node, where):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    sys.exit(f"{where}: expected a string literal, found {ast.dump(node)}")


def region_table(source, where):
    """[(id, [endpoints])] of the region class in `source`, in `static_fields` order."""
    classes = [n for n in ast.parse(source).body if isinstance(n, ast.ClassDef)]
    if len(classes) != 1:
        sys.exit(f"{where}: expected one class, found {len(classes)}")
    regions, order = {}, None
    for stmt in classes[0].body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        name, value = stmt.targets[0].id, stmt.value
        if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "Region":
            if value.keywords:
                sys.exit(f"{where}: {name} uses keyword arguments")
            args = [literal_string(a, f"{where}: {name}") for a in value.args]
            if len(args) < 2:
                sys.exit(f"{where}: {name} has no endpoint")
            regions[name] = (args[0], args[1:])
        elif name == "static_fields" and isinstance(value, ast.Dict):
            order = [(literal_string(k, where), getattr(v, "id", None)) for k, v in zip(value.keys, value.values)]
    if order is None:
        sys.exit(f"{where}: no static_fields")
    table = []
    for region_id, field in order:
        if field not in regions or regions[field][0] != region_id:
            sys.exit(f"{where}: static_fields maps {region_id} to {field}, which is not Region({region_id!r}, ...)")
        table.append((region_id, regions[field][1]))
    if len({r for r, _ in table}) != len(table):
        sys.exit(f"{where}: a region is listed twice")
    return table


def service_table(service, cache):
    package, version, api = SERVICES[service]
    archive = wheel(package, version, cache)
    files = sorted(n for n in archive.namelist() if n.startswith(f"{package}/v") and n.endswith("_region.py")
                   and "/region/" in n)
    tables = {f: region_table(archive.read(f).decode("utf-8"), f) for f in files}
    if not tables:
        sys.exit(f"{package} {version} has no region table")
    if api is not None:
        chosen = [f for f in files if f.startswith(f"{package}/{api}/")]
    elif len({json.dumps(t) for t in tables.values()}) == 1:
        chosen = files[:1]
    else:
        sys.exit(f"{package}: the tables of {', '.join(files)} differ; name the API version in SERVICES")
    if len(chosen) != 1:
        sys.exit(f"{package}: no region table under {api}/")
    return {
        "package": package,
        "version": version,
        "file": chosen[0],
        "regions": dict(tables[chosen[0]]),
    }


def dict_literal(tree, name, where):
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return {literal_string(k, where): literal_string(v, where) for k, v in zip(node.value.keys, node.value.values)}
    sys.exit(f"{where}: no {name}")


def class_constant(tree, cls, name, where):
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and any(getattr(t, "id", None) == name for t in stmt.targets):
                    return literal_string(stmt.value, where)
    sys.exit(f"{where}: no {cls}.{name}")


def core_tables(cache):
    package, version = CORE
    archive = wheel(package, version, cache)
    endpoint = "huaweicloudsdkcore/auth/endpoint.py"
    internal = "huaweicloudsdkcore/auth/internal.py"
    endpoints = ast.parse(archive.read(endpoint).decode("utf-8"))
    helpers = ast.parse(archive.read(internal).decode("utf-8"))
    return {
        "package": package,
        "version": version,
        "files": [endpoint, internal],
        "iam": {r: [e] for r, e in dict_literal(endpoints, "__IAM_ENDPOINT_DICT", endpoint).items()},
        "iam_default": class_constant(helpers, "IamHelper", "DEFAULT_ENDPOINT", internal),
        "sts": {r: [e] for r, e in dict_literal(endpoints, "__STS_ENDPOINT_DICT", endpoint).items()},
        "sts_default": class_constant(helpers, "StsHelper", "DEFAULT_STS_ENDPOINT", internal),
    }


def rust_table(core):
    """The runtime's copy of the core's tables (the runtime is a crate of its own)."""
    def entries(table):
        return "".join(f'    ("{r}", "{e[0]}"),\n' for r, e in table.items())

    return (
        f"//! IAM and STS endpoints by region, as {core['package']} {core['version']} lists them\n"
        "//! (`auth/endpoint.py`, `auth/internal.py`). Written by `specs/regions/extract.py`, checked\n"
        "//! against `specs/regions/sdk-core.json` by a test: do not edit by hand.\n\n"
        "/// `(region, IAM endpoint)`, in the SDK's order.\n"
        f"pub(super) const IAM: &[(&str, &str)] = &[\n{entries(core['iam'])}];\n\n"
        "/// IAM for a region [`IAM`] lacks.\n"
        f"pub(super) const IAM_DEFAULT: &str = \"{core['iam_default']}\";\n\n"
        "/// `(region, STS endpoint)`, in the SDK's order.\n"
        f"pub(super) const STS: &[(&str, &str)] = &[\n{entries(core['sts'])}];\n\n"
        "/// STS for a region [`STS`] lacks.\n"
        f"pub(super) const STS_DEFAULT: &str = \"{core['sts_default']}\";\n"
    )


def write_json(path, value):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("services", nargs="*", help="services of SERVICES (default: all, and the core)")
    parser.add_argument("--cache", help="folder for the downloaded wheels (default: a temporary one)")
    args = parser.parse_args()
    unknown = [s for s in args.services if s not in SERVICES]
    if unknown:
        sys.exit(f"not in SERVICES: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory() as temporary:
        cache = args.cache or temporary
        os.makedirs(cache, exist_ok=True)
        for service in args.services or sorted(SERVICES):
            table = service_table(service, cache)
            write_json(os.path.join(HERE, f"{service}.json"), table)
            print(f"{service}: {len(table['regions'])} regions from {table['file']} ({table['version']})")
        if not args.services:
            core = core_tables(cache)
            write_json(os.path.join(HERE, "sdk-core.json"), core)
            with open(RUST_TABLE, "w", encoding="utf-8", newline="\n") as f:
                f.write(rust_table(core))
            print(f"sdk-core: {len(core['iam'])} IAM and {len(core['sts'])} STS regions ({core['version']})")


if __name__ == "__main__":
    main()
