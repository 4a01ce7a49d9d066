#!/usr/bin/env python3
"""`nnc check --format sarif` against SARIF 2.1.0's required fields (the schema's `required` lists and the value
rules that code scanning relies on, written out here: no schema is downloaded), and the pre-commit manifest.

    test_sarif.py --nnc build/bin/nnc --examples examples --repo REPO_ROOT [unittest arguments]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

import yaml

NNC = ""
EXAMPLES = ""
REPO = ""

# Two errors (in_features, an unknown input) in the first file.
BAD = """\
input:
  shape: [1, 1, 28, 28]
layers:
  - op: conv2d
    out_channels: 4
    kernel_size: 5
  - op: flatten
  - op: linear
    in_features: 500
    out_features: 10
  - op: relu
    input: nowhere
"""

# An error inside a block instance: its result carries the instance as a related location.
IN_BLOCK = """\
input: {shape: [1, 4]}
blocks:
  head:
    layers:
      - {op: linear, name: fc, in_features: 5, out_features: 2}
layers:
  - {block: head, name: classifier}
"""

LEVELS = {"none", "note", "warning", "error"}


def sarif(*args, cwd=None):
    proc = subprocess.run([NNC, "check", "--format", "sarif", *args], capture_output=True, timeout=60, cwd=cwd)
    return proc.returncode, json.loads(proc.stdout)


def check_json(*args, cwd=None):
    proc = subprocess.run([NNC, "check", "--format", "json", *args], capture_output=True, timeout=60, cwd=cwd)
    return json.loads(proc.stdout)


class Sarif(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nnc-sarif-")
        os.mkdir(os.path.join(self.dir, "my models"))
        for name, text in [("bad.yaml", BAD), ("in_block.yaml", IN_BLOCK)]:
            with open(os.path.join(self.dir, "my models", name), "w") as f:
                f.write(text)
        shutil.copyfile(os.path.join(EXAMPLES, "conv_7x7_stride2_inexact.yaml"), os.path.join(self.dir, "inexact.yaml"))
        shutil.copyfile(os.path.join(EXAMPLES, "conv_pool.yaml"), os.path.join(self.dir, "ok.yaml"))
        self.files = ["my models/bad.yaml", "my models/in_block.yaml", "inexact.yaml", "ok.yaml"]

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def assert_valid_log(self, log):
        """The fields SARIF 2.1.0 requires, and those GitHub's code scanning reads, with their types."""
        self.assertIsInstance(log.get("$schema"), str)
        self.assertIn("sarif", log["$schema"])
        self.assertEqual(log.get("version"), "2.1.0")
        self.assertIsInstance(log.get("runs"), list)
        self.assertEqual(len(log["runs"]), 1)
        for run in log["runs"]:
            driver = run["tool"]["driver"]
            self.assertEqual(driver["name"], "nnc")
            self.assertRegex(driver["version"], r"^\d+\.\d+\.\d+")
            self.assertTrue(urllib.parse.urlparse(driver["informationUri"]).scheme, driver["informationUri"])
            rule_ids = [rule["id"] for rule in driver["rules"]]
            self.assertEqual(len(rule_ids), len(set(rule_ids)))
            for rule in driver["rules"]:
                self.assertIsInstance(rule["shortDescription"]["text"], str)
                self.assertIn(rule["defaultConfiguration"]["level"], LEVELS)
            self.assertIsInstance(run.get("results"), list)
            for result in run["results"]:
                self.assertIn(result["ruleId"], rule_ids)
                self.assertIn(result["level"], LEVELS)
                self.assertTrue(result["message"]["text"])
                self.assertGreaterEqual(len(result["locations"]), 1)
                for location in result["locations"] + result.get("relatedLocations", []):
                    physical = location["physicalLocation"]
                    self.assertTrue(physical["artifactLocation"]["uri"])
                    if "region" in physical:
                        self.assertGreaterEqual(physical["region"]["startLine"], 1)
                        self.assertGreaterEqual(physical["region"]["startColumn"], 1)
        return log["runs"][0]

    def test_results_match_the_diagnostics(self):
        status, log = sarif(*self.files, cwd=self.dir)
        self.assertEqual(status, 1)
        run = self.assert_valid_log(log)
        expected = []
        for f in check_json(*self.files, cwd=self.dir)["files"]:
            for d in f["diagnostics"]:
                expected.append((urllib.parse.quote(f["file"]), d["code"], d["severity"], d["line"], d["column"]))
        got = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"], r["level"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in run["results"]]
        self.assertEqual(got, expected)
        self.assertIn("my%20models/bad.yaml", {g[0] for g in got})
        self.assertEqual({g[2] for g in got}, {"error", "warning"})
        texts = {r["ruleId"]: r["message"]["text"] for r in run["results"][:2]}
        self.assertIn("help: write in_features: 2304", texts["in-features-mismatch"])
        self.assertIn("nowhere", texts["unknown-layer"])

    def test_notes_are_related_locations(self):
        _, log = sarif("my models/in_block.yaml", cwd=self.dir)
        (result,) = self.assert_valid_log(log)["results"]
        (related,) = result["relatedLocations"]
        self.assertIn("classifier", related["message"]["text"])
        self.assertEqual(related["physicalLocation"]["region"]["startLine"], 7)

    def test_absolute_paths_are_file_uris_and_clean_runs_have_no_results(self):
        path = os.path.join(self.dir, "ok.yaml")
        status, log = sarif(path)
        self.assertEqual(status, 0)
        self.assertEqual(self.assert_valid_log(log)["results"], [])
        status, log = sarif(os.path.join(self.dir, "missing.yaml"))
        self.assertEqual(status, 2)
        (result,) = self.assert_valid_log(log)["results"]
        self.assertEqual(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                         "file://" + urllib.parse.quote(os.path.join(self.dir, "missing.yaml")))

    def test_every_code_is_a_rule(self):
        codes = json.loads(subprocess.run([NNC, "codes", "--format", "json"], capture_output=True, check=True).stdout)
        _, log = sarif("ok.yaml", cwd=self.dir)
        self.assertEqual([r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]], [c["code"] for c in codes])


class PreCommitManifest(unittest.TestCase):
    def test_nnc_check_hook(self):
        with open(os.path.join(REPO, ".pre-commit-hooks.yaml")) as f:
            hooks = yaml.safe_load(f)
        (hook,) = [h for h in hooks if h["id"] == "nnc-check"]
        self.assertEqual(hook["entry"], "nnc check")
        self.assertEqual(hook["language"], "system")
        files = re.compile(hook["files"])
        for model in ["models/net.yaml", "app/model/lenet.yml", "net.nnc.yaml"]:
            self.assertTrue(files.search(model), model)
        for other in [".github/workflows/ci.yaml", "config.yaml", "models/README.md"]:
            self.assertFalse(files.search(other), other)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--nnc", required=True)
    parser.add_argument("--examples", required=True)
    parser.add_argument("--repo", required=True)
    args, rest = parser.parse_known_args()
    NNC, EXAMPLES, REPO = args.nnc, args.examples, args.repo
    unittest.main(argv=[sys.argv[0], *rest])
