#!/usr/bin/python3
"""tools/tfjs_to_onnx.py on a small synthetic TF.js graph model (conv → spatial mean → dense):
an H×W input gives an ONNX input of exactly that shape with TF "SAME" padding worked out per axis,
--size S is byte for byte --height S --width S, --gem P adds the generalized-mean output beside
the average pool (and only then), --mid-pool NODE the average pool of an earlier feature map (and
leaves the rest of the graph as it was), --bilinear D the second-order pool of the feature map the
average pool reads (fixed orthonormal directions, only ops OpenCV 4.6 imports), --mid-bilinear D the
same of the --mid-pool map, and inconsistent
geometry is refused with a clear message. Numbers are checked against Eigen by tst_modelconversion.
The real network's conversion at both installed geometries is checked by tst_modelconversion.

Run by ctest; exits 77 (skipped) when Debian's python3-onnx is missing."""

import base64
import json
import os
import subprocess
import sys
import tempfile
import unittest

try:
    import numpy as np
    import onnx
    from onnx import numpy_helper
except ImportError:
    print("skipped: python3-onnx / python3-numpy not installed")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
CONVERTER = os.path.join(HERE, "..", "..", "tools", "tfjs_to_onnx.py")
PREFIX = "StatefulPartitionedCall/model/"


def b64(text):
    return base64.b64encode(text.encode()).decode()


def write_model(folder, fixed_hw=(-1, -1)):
    """A TF.js graph model: 3×3 stride-2 SAME conv (3→4 channels), top_pool mean, dense 4→5."""
    rng = np.random.default_rng(7)
    weights = [
        ("conv/W", rng.standard_normal((3, 3, 3, 4)).astype(np.float32)),
        ("conv/B", rng.standard_normal(4).astype(np.float32)),
        ("axes", np.array([1, 2], np.int32)),
        ("fc/W", rng.standard_normal((4, 5)).astype(np.float32)),
        ("fc/B", rng.standard_normal(5).astype(np.float32)),
    ]
    dims = [-1, fixed_hw[0], fixed_hw[1], 3]
    nodes = [{"name": "input", "op": "Placeholder",
              "attr": {"shape": {"shape": {"dim": [{"size": str(d)} for d in dims]}}}}]
    nodes += [{"name": name, "op": "Const"} for name, _ in weights]
    nodes += [
        {"name": PREFIX + "conv", "op": "_FusedConv2D", "input": ["input", "conv/W", "conv/B"],
         "attr": {"strides": {"list": {"i": ["1", "2", "2", "1"]}}, "padding": {"s": b64("SAME")},
                  "data_format": {"s": b64("NHWC")}, "fused_ops": {"list": {"s": [b64("BiasAdd")]}}}},
        {"name": PREFIX + "top_pool/Mean", "op": "Mean", "input": [PREFIX + "conv", "axes"],
         "attr": {"keep_dims": {"b": False}}},
        {"name": PREFIX + "logits/BiasAdd", "op": "_FusedMatMul",
         "input": [PREFIX + "top_pool/Mean", "fc/W", "fc/B"],
         "attr": {"fused_ops": {"list": {"s": [b64("BiasAdd")]}}}},
    ]
    manifest = [{"paths": ["group1-shard1of1.bin"],
                 "weights": [{"name": n, "shape": list(a.shape), "dtype": str(a.dtype)} for n, a in weights]}]
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump({"format": "graph-model", "modelTopology": {"node": nodes}, "weightsManifest": manifest}, f)
    with open(os.path.join(folder, "group1-shard1of1.bin"), "wb") as f:
        for _, a in weights:
            f.write(a.tobytes())


def convert(model_dir, out, *args):
    return subprocess.run([sys.executable, CONVERTER, "--model-dir", model_dir, "--out", out] + list(args),
                          capture_output=True, text=True)


def dims(value_info):
    return [d.dim_value for d in value_info.type.tensor_type.shape.dim]


class ConverterGeometry(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.model_dir = os.path.join(self.tmp.name, "web_model")
        os.mkdir(self.model_dir)
        write_model(self.model_dir)

    def tearDown(self):
        self.tmp.cleanup()

    def out(self, name):
        return os.path.join(self.tmp.name, name)

    def converted(self, *args):
        path = self.out("m%d.onnx" % len(os.listdir(self.tmp.name)))
        run = convert(self.model_dir, path, *args)
        self.assertEqual(run.returncode, 0, run.stderr)
        return onnx.load(path), path

    def test_height_by_width_input_and_per_axis_same_padding(self):
        model, _ = self.converted("--height", "37", "--width", "64")
        graph = model.graph
        self.assertEqual([i.name for i in graph.input if i.name == "input"], ["input"])
        self.assertEqual(dims(graph.input[0]), [1, 3, 37, 64])
        self.assertEqual([(o.name, dims(o)) for o in graph.output], [("embedding", [1, 4]), ("logits", [1, 5])])
        conv = next(n for n in graph.node if n.op_type == "Conv")
        pads = next(a.ints for a in conv.attribute if a.name == "pads")
        # SAME, stride 2, 3×3: H 37 → 19 rows, 2 padding rows split 1/1; W 64 → 32, 1 column at the end.
        self.assertEqual(list(pads), [1, 0, 1, 1])

    def test_size_is_the_square_case(self):
        _, square = self.converted("--size", "48")
        _, explicit = self.converted("--height", "48", "--width", "48")
        with open(square, "rb") as a, open(explicit, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_gem_output_beside_the_average_pool(self):
        model, _ = self.converted("--height", "40", "--width", "56", "--gem", "3")
        graph = model.graph
        self.assertEqual([(o.name, dims(o)) for o in graph.output],
                         [("embedding", [1, 4]), ("logits", [1, 5]), ("embedding_gem", [1, 4])])
        producers = {out: n for n in graph.node for out in n.output}
        chain, tensor = [], "embedding_gem"
        while tensor in producers and producers[tensor].op_type != "Conv":
            node = producers[tensor]
            chain.append(node.op_type)
            tensor = node.input[0]
        self.assertEqual(chain, ["Flatten", "Pow", "GlobalAveragePool", "Pow", "Clip"])
        # It reads the very tensor the average pool reads.
        pool = producers[producers["embedding"].input[0]]
        self.assertEqual(pool.op_type, "GlobalAveragePool")
        self.assertEqual(tensor, pool.input[0])
        inits = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        exponents = sorted(float(inits[n.input[1]]) for n in graph.node if n.op_type == "Pow")
        self.assertAlmostEqual(exponents[0], 1 / 3, places=6)
        self.assertAlmostEqual(exponents[1], 3.0, places=6)
        clip = next(n for n in graph.node if n.op_type == "Clip")
        self.assertGreater(next(a.f for a in clip.attribute if a.name == "min"), 0)

    def test_mid_pool_of_an_earlier_feature_map(self):
        model, _ = self.converted("--height", "40", "--width", "56", "--gem", "3", "--mid-pool", PREFIX + "conv")
        graph = model.graph
        self.assertEqual([(o.name, dims(o)) for o in graph.output],
                         [("embedding", [1, 4]), ("logits", [1, 5]), ("embedding_gem", [1, 4]),
                          ("embedding_mid", [1, 4])])
        producers = {out: n for n in graph.node for out in n.output}
        flatten = producers["embedding_mid"]
        self.assertEqual(flatten.op_type, "Flatten")
        pool = producers[flatten.input[0]]
        self.assertEqual(pool.op_type, "GlobalAveragePool")
        # The conv's output, which the top pool reads too; no 4-D tensor is left as an output.
        self.assertEqual(pool.input[0], producers[producers["embedding"].input[0]].input[0])
        self.assertEqual(producers[pool.input[0]].op_type, "Conv")
        # Without it, the graph is byte for byte what it was.
        _, plain = self.converted("--height", "40", "--width", "56", "--gem", "3")
        _, again = self.converted("--height", "40", "--width", "56", "--gem", "3")
        with open(plain, "rb") as a, open(again, "rb") as b:
            self.assertEqual(a.read(), b.read())
        self.assertEqual(len(onnx.load(plain).graph.node) + 2, len(graph.node))

    def test_bilinear_pool_of_the_top_feature_map(self):
        model, _ = self.converted("--height", "40", "--width", "56", "--gem", "3", "--bilinear", "3")
        graph = model.graph
        self.assertEqual([(o.name, dims(o)) for o in graph.output][-1], ("embedding_bilinear", [1, 6]))
        producers = {out: n for n in graph.node for out in n.output}
        inits = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        # The 1×1 projection reads the very tensor the average pool reads.
        project = next(n for n in graph.node if n.op_type == "Conv" and n.input[1] in inits
                       and inits[n.input[1]].shape == (3, 4, 1, 1))
        pool = producers[producers["embedding"].input[0]]
        self.assertEqual(project.input[0], pool.input[0])
        directions = inits[project.input[1]].reshape(3, 4)
        np.testing.assert_allclose(directions @ directions.T, np.eye(3), atol=1e-5)
        # Rounded to 1e-6 (float32's nearest), so that every machine's LAPACK writes the same bytes.
        np.testing.assert_allclose(directions, np.round(directions.astype(np.float64), 6), rtol=0, atol=5e-8)
        # Gram matrix by MatMul, Newton-Schulz by MatMul, the triangle by one Slice per row.
        bilinear_ops = [n.op_type for n in graph.node if n.name.startswith("bilinear/")]
        self.assertEqual(bilinear_ops.count("Slice"), 3)
        self.assertGreaterEqual(bilinear_ops.count("MatMul"), 1 + 3 * 5)
        self.assertNotIn("Gather", bilinear_ops)
        self.assertEqual(producers["embedding_bilinear"].op_type, "Div")
        # The directions do not depend on the photos or the run: the same file twice.
        _, first = self.converted("--size", "48", "--bilinear", "4")
        _, second = self.converted("--size", "48", "--bilinear", "4")
        with open(first, "rb") as a, open(second, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_mid_bilinear_pool_of_the_earlier_feature_map(self):
        model, _ = self.converted("--size", "48", "--mid-pool", PREFIX + "conv", "--bilinear", "2",
                                  "--mid-bilinear", "4")
        graph = model.graph
        self.assertEqual([(o.name, dims(o)) for o in graph.output][-2:],
                         [("embedding_bilinear", [1, 3]), ("embedding_mid_bilinear", [1, 10])])
        producers = {out: n for n in graph.node for out in n.output}
        project = next(n for n in graph.node if n.name == "mid_bilinear/project")
        # It reads the map the earlier pool reads.
        self.assertEqual(project.input[0], producers[producers["embedding_mid"].input[0]].input[0])
        run = convert(self.model_dir, self.out("bad.onnx"), "--size", "48", "--mid-bilinear", "4")
        self.assertEqual(run.returncode, 1)
        self.assertIn("--mid-bilinear needs --mid-pool", run.stderr)

    def test_bad_bilinear_is_refused(self):
        for value in ("1", "5", "0"):
            run = convert(self.model_dir, self.out("bad.onnx"), "--size", "48", "--bilinear", value)
            self.assertEqual(run.returncode, 1, value)
            self.assertIn("--bilinear D must be within 2..4", run.stderr, value)
            self.assertFalse(os.path.exists(self.out("bad.onnx")), value)

    def test_bad_mid_pool_is_refused(self):
        for node, message in [(PREFIX + "nowhere", "not found"), (PREFIX + "top_pool/Mean", "4-D feature map")]:
            run = convert(self.model_dir, self.out("bad.onnx"), "--size", "48", "--mid-pool", node)
            self.assertEqual(run.returncode, 1, node)
            self.assertIn(message, run.stderr, node)
            self.assertFalse(os.path.exists(self.out("bad.onnx")), node)

    def test_bad_geometry_is_refused(self):
        cases = [
            (["--height", "64"], "go together"),
            (["--size", "64", "--width", "64"], "not both"),
            (["--height", "16", "--width", "64"], "at least 32"),
            (["--size", "64", "--gem", "0.5"], "--gem"),
        ]
        for args, message in cases:
            run = convert(self.model_dir, self.out("bad.onnx"), *args)
            self.assertNotEqual(run.returncode, 0, args)
            self.assertIn(message, run.stderr, args)
            self.assertFalse(os.path.exists(self.out("bad.onnx")), args)

    def test_fixed_input_size_must_match(self):
        write_model(self.model_dir, fixed_hw=(224, 224))
        run = convert(self.model_dir, self.out("fixed.onnx"), "--height", "256", "--width", "224")
        self.assertEqual(run.returncode, 1)
        self.assertIn("incompatible with --height 256", run.stderr)
        self.converted("--size", "224")


if __name__ == "__main__":
    unittest.main()
