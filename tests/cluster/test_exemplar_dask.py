#!/usr/bin/python3
"""tools/cluster/exemplar-dask on a LocalCluster, against one plain `exemplar-cli classify`, on real
photos; and `exemplar-cli embed --out` read back with NumPy.

    test_exemplar_dask.py EXEMPLAR_CLI EXEMPLAR_DASK

Needs the default model (EXEMPLAR_MODEL, else the build tree's) and ../shared/data/flowers17
(EXEMPLAR_SHARED_DATA_DIR); the Dask tests need Debian's python3-dask and python3-distributed
(scripts/setup.sh installs them). What is absent is skipped with the reason; when everything is
skipped the script exits 77, which CTest reports as skipped.
"""
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

CLI, DASK_TOOL = (os.path.abspath(p) for p in sys.argv[1:3])
BUILD_DIR = os.path.dirname(os.path.dirname(CLI))
MODEL = os.environ.get("EXEMPLAR_MODEL") or os.path.join(BUILD_DIR, "share/exemplar/models/efficientnet-b0.json")
DATA = os.path.abspath(os.path.join(os.environ.get("EXEMPLAR_SHARED_DATA_DIR") or
                    os.path.join(os.path.dirname(__file__), "../../../shared/data"), "flowers17"))
TRAIN_CLASSES = ["daffodil", "iris", "snowdrop", "sunflower"]

try:
    import dask.distributed  # noqa: F401
    DASK = None
except ImportError:
    DASK = "Dask absent: apt-get install python3-dask python3-distributed (scripts/setup.sh does)"
try:
    import numpy
    NUMPY = None
except ImportError:
    NUMPY = "NumPy absent: apt-get install python3-numpy (scripts/setup.sh does)"
INPUTS = (None if os.path.exists(MODEL) else f"default model not built ({MODEL}); run scripts/setup.sh") or \
         (None if os.path.isdir(DATA) else f"shared photo set absent: {DATA}")


def cli(*args, stdin=None):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True)


def by_file(jsonl_bytes):
    """{file: raw line} of complete lines; fails on a photo listed twice."""
    lines = {}
    for line in jsonl_bytes.splitlines():
        file = json.loads(line)["file"]
        assert file not in lines, f"{file} has two lines"
        lines[file] = line
    return lines


class Photos:
    """A reference set trained on 8 photos of 4 classes, and ~200 other flowers17 photos of all 17
    classes (so some are 'unknown') plus three broken ones, listed in a file."""
    work = None

    @classmethod
    def make(cls):
        if cls.work:
            return cls
        cls.work = tempfile.TemporaryDirectory(prefix="exemplar-dask-test-")
        root = cls.work.name
        train = os.path.join(root, "train")
        for name in TRAIN_CLASSES:
            os.makedirs(os.path.join(train, name))
            for file in sorted(os.listdir(os.path.join(DATA, name)))[:8]:
                os.symlink(os.path.join(DATA, name, file), os.path.join(train, name, file))
        cls.set = os.path.join(root, "flowers.exref")
        run = cli("train", train, "--out", cls.set, "--method", "centroid", "--holdout", "0", "--quiet",
                  "--model", MODEL)  # the model the workers load
        assert run.returncode == 0, run.stderr.decode()

        photos = []
        for name in sorted(os.listdir(DATA)):
            if os.path.isdir(os.path.join(DATA, name)):
                photos += [os.path.join(DATA, name, f) for f in sorted(os.listdir(os.path.join(DATA, name)))[20:32]]
        broken = os.path.join(root, "broken")
        os.makedirs(broken)
        with open(os.path.join(broken, "text.jpg"), "w") as f:
            f.write("this is text, not a JPEG\n")
        with open(photos[0], "rb") as source, open(os.path.join(broken, "truncated.jpg"), "wb") as f:
            f.write(source.read()[:600])
        cls.broken = [os.path.join(broken, "text.jpg"), os.path.join(broken, "truncated.jpg"),
                      os.path.join(broken, "missing.jpg")]
        cls.photos = photos[:100] + cls.broken + photos[100:]
        cls.list = os.path.join(root, "photos.txt")
        # One photo listed a second time, spelled otherwise: classified once (a shard once waited
        # for a line per spelling and failed on every try).
        respelled = os.path.join(os.path.dirname(photos[5]), ".", os.path.basename(photos[5]))
        with open(cls.list, "w") as f:
            f.write("".join(p + "\n" for p in cls.photos + [respelled]))
        # The reference: one plain run (exit 1 because of the broken photos).
        run = cli("classify", cls.set, "--files-from", cls.list, "--jsonl", "--quiet", "--model", MODEL)
        assert run.returncode == 1, run.stderr.decode()
        cls.single = by_file(run.stdout)
        assert sorted(cls.single) == sorted(cls.photos)
        return cls


def exemplar_dask(*args):
    return [DASK_TOOL, Photos.set, "--files-from", Photos.list, "--cli", CLI, "--model", MODEL, "--no-dashboard", *args]


@unittest.skipIf(INPUTS or DASK, INPUTS or DASK)
class ClusterTest(unittest.TestCase):
    def setUp(self):
        Photos.make()
        self.out = os.path.join(Photos.work.name, f"{self.id().rsplit('.', 1)[-1]}.jsonl")

    def assertSameAsSingleRun(self):
        with open(self.out, "rb") as f:
            merged = by_file(f.read())  # and no photo twice
        self.assertEqual(sorted(merged), sorted(Photos.single))
        for file, line in merged.items():
            self.assertEqual(json.loads(line), json.loads(Photos.single[file]), file)

    def test_two_workers_give_the_single_run_and_report_broken_photos(self):
        run = subprocess.run(exemplar_dask("--out", self.out, "--workers", "2"), capture_output=True)
        self.assertEqual(run.returncode, 0, run.stderr.decode())
        self.assertSameAsSingleRun()
        with open(self.out[:-len(".jsonl")] + ".summary.json") as f:
            summary = json.load(f)
        self.assertEqual(summary["photos"], len(Photos.photos))
        self.assertEqual(summary["workers"], 2)
        self.assertEqual(sorted(s["file"] for s in summary["skipped_files"]), sorted(Photos.broken))
        self.assertEqual(summary["classified"] + summary["unknown"] + summary["skipped"], len(Photos.photos))
        self.assertEqual(set(summary["per_class"]) - set(TRAIN_CLASSES), set())
        with open(self.out[:-len(".jsonl")] + ".csv", newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(sorted(r["file"] for r in rows), sorted(Photos.photos))
        self.assertTrue(all(r["error"] for r in rows if r["file"] in Photos.broken))
        self.assertFalse(os.path.exists(self.out[:-len(".jsonl")] + ".parts"), "shard files are removed")

    def test_a_killed_worker_loses_and_duplicates_nothing(self):
        from dask.distributed import Client, LocalCluster
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            tool = subprocess.Popen(exemplar_dask("--out", self.out, "--scheduler", cluster.scheduler_address,
                                                  "--shard-size", "20"),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            parts = self.out[:-len(".jsonl")] + ".parts"
            # Wait until shards are being written, then kill a worker process outright (its
            # exemplar-cli with it): its shard is run again, resuming from its shard file.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and tool.poll() is None:
                written = [os.path.getsize(os.path.join(parts, f)) for f in os.listdir(parts)] \
                    if os.path.isdir(parts) else []
                if len(written) >= 3 and min(written) > 0:
                    break
                time.sleep(0.05)
            victim = sorted(client.run(os.getpid).values())[0]
            self.assertIsNone(tool.poll(), "the run ended before a worker could be killed")
            os.kill(victim, signal.SIGKILL)
            _, stderr = tool.communicate(timeout=300)
            self.assertEqual(tool.returncode, 0, stderr.decode())
            client.wait_for_workers(2, timeout=60)
            self.assertNotIn(victim, client.run(os.getpid).values(), "the worker was really killed and replaced")
        self.assertSameAsSingleRun()

    def test_a_stopped_run_resumes(self):
        # A run stopped midway: half the lines in OUT and an unfinished one, as a kill leaves.
        lines = [Photos.single[p] for p in Photos.photos]
        with open(self.out, "wb") as f:
            f.write(b"\n".join(lines[:90]) + b"\n" + lines[90][:25])
        run = subprocess.run(exemplar_dask("--out", self.out, "--workers", "2"), capture_output=True)
        self.assertEqual(run.returncode, 0, run.stderr.decode())
        self.assertIn(b"90 already in", run.stderr)
        self.assertSameAsSingleRun()
        with open(self.out[:-len(".jsonl")] + ".summary.json") as f:
            self.assertEqual(json.load(f)["photos_this_run"], len(Photos.photos) - 90)

    def test_a_worker_without_the_model_is_named(self):
        run = subprocess.run([DASK_TOOL, Photos.set, "--files-from", Photos.list, "--cli", CLI, "--model",
                              "/nonexistent/model.json", "--no-dashboard", "--workers", "1", "--out", self.out],
                             capture_output=True)
        self.assertEqual(run.returncode, 1)
        message = run.stderr.decode().strip().splitlines()[-1]
        self.assertIn("cannot classify", message)
        self.assertIn("/nonexistent/model.json", message)


def embedding_length(spec_path):
    """The length of a model's embedding, as its spec declares it: the summed outputs' dimension
    plus every appended output's."""
    with open(spec_path) as f:
        embedding = json.load(f)["embedding"]
    return embedding["dim"] + sum(part["dim"] for part in embedding.get("append", []))


@unittest.skipIf(INPUTS or NUMPY, INPUTS or NUMPY)
class EmbeddingsOutTest(unittest.TestCase):
    def test_npy_reads_back_in_numpy_with_its_csv(self):
        Photos.make()
        listed = [p for p in Photos.photos[:40]] + Photos.broken
        out = os.path.join(Photos.work.name, "embeddings.npy")
        run = cli("embed", "--files-from", "-", "--out", out, "--json", "--quiet", "--model", MODEL,
                  stdin="".join(p + "\n" for p in listed).encode())
        self.assertEqual(run.returncode, 0, run.stderr.decode())
        array = numpy.load(out)
        self.assertEqual(array.dtype, numpy.float32)
        self.assertEqual(array.shape, (40, embedding_length(MODEL)))
        numpy.testing.assert_allclose(numpy.linalg.norm(array, axis=1), 1.0, atol=1e-5)
        with open(out[:-4] + ".csv", newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([int(r["row"]) for r in rows], list(range(40)))
        # Rows are grouped by class, classes in name order; every listed good photo once.
        classes = [r["class"] for r in rows]
        self.assertEqual(classes, sorted(classes))
        self.assertEqual(sorted(r["file"] for r in rows), sorted(Photos.photos[:40]))
        self.assertTrue(all(len(r["sha256"]) == 64 for r in rows))
        # The same photo embedded alone gives the same row.
        first = os.path.join(Photos.work.name, "first.npy")
        self.assertEqual(cli("embed", "--files-from", "-", "--out", first, "--quiet", "--model", MODEL,
                             stdin=(rows[3]["file"] + "\n").encode()).returncode, 0)
        numpy.testing.assert_array_equal(numpy.load(first)[0], array[3])


if __name__ == "__main__":
    result = unittest.main(argv=sys.argv[:1], exit=False, verbosity=2).result
    if not result.wasSuccessful():
        sys.exit(1)
    sys.exit(77 if result.testsRun and len(result.skipped) == result.testsRun else 0)
