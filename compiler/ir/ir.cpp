#include "ir/ir.h"

#include <fmt/format.h>

#include "support/internal_error.h"

namespace nnc::ir {

std::string to_string(Type t) {
  std::string base = t.is_bool() ? "bool" : t.is_float() ? "f32" : "i64";
  return t.lanes == 1 ? base : fmt::format("{}x{}", base, t.lanes);
}

namespace {

void require(bool ok, const char* node, const std::string& why) {
  if (!ok) internal_error(fmt::format("invalid Loop IR: {}: {}", node, why));
}

void require_defined(const Expr& e, const char* node) { require(e.defined(), node, "an operand is undefined"); }

}  // namespace

Expr::Expr(int64_t value) : Expr(IntImm::make(value)) {}
Expr::Expr(int value) : Expr(IntImm::make(value)) {}

Buffer argument_buffer(std::string name, int64_t size, bool read_only, int alignment) {
  return std::make_shared<const BufferNode>(BufferNode{std::move(name), BufferNode::Kind::Argument, size, nullptr, 0, read_only, alignment});
}

Buffer slice_buffer(std::string name, const Buffer& parent, int64_t offset, int64_t size) {
  require(parent && offset >= 0 && size >= 0 && offset + size <= parent->size, "slice", "outside its parent buffer");
  // A 64-byte aligned parent keeps 64-byte alignment at offsets that are multiples of 16 floats.
  int alignment = parent->alignment && offset % 16 == 0 ? parent->alignment : 4;
  return std::make_shared<const BufferNode>(BufferNode{std::move(name), BufferNode::Kind::Slice, size, parent, offset, parent->read_only, alignment});
}

Buffer local_buffer(std::string name, int64_t size) {
  return std::make_shared<const BufferNode>(BufferNode{std::move(name), BufferNode::Kind::Local, size, nullptr, 0, false, 64});
}

Expr IntImm::make(int64_t value) { return Expr(std::make_shared<const IntImm>(value)); }
Expr FloatImm::make(float value) { return Expr(std::make_shared<const FloatImm>(value)); }

Expr Var::make(Type type, std::string name) {
  require(!name.empty(), "Var", "a variable needs a name");
  return Expr(std::make_shared<const Var>(type, std::move(name)));
}

template <NodeKind K>
Expr BinaryOp<K>::make(Expr a, Expr b) {
  require_defined(a, "binary op");
  require_defined(b, "binary op");
  require(a.type() == b.type(), "binary op", fmt::format("operand types differ: {} and {}", to_string(a.type()), to_string(b.type())));
  Type t = a.type();
  constexpr bool comparison = K == NodeKind::EQ || K == NodeKind::NE || K == NodeKind::LT || K == NodeKind::LE ||
                              K == NodeKind::GT || K == NodeKind::GE;
  constexpr bool logical = K == NodeKind::And || K == NodeKind::Or;
  if constexpr (logical) {
    require(t.is_bool(), "And/Or", "operands must be bool");
  } else {
    require(!t.is_bool(), "arithmetic", "operands must be numbers");
  }
  if constexpr (K == NodeKind::Mod) require(t.is_int(), "Mod", "operands must be integers");
  Type result = comparison ? Type::boolean(t.lanes) : t;
  return Expr(std::make_shared<const BinaryOp<K>>(result, std::move(a), std::move(b)));
}

template struct BinaryOp<NodeKind::Add>;
template struct BinaryOp<NodeKind::Sub>;
template struct BinaryOp<NodeKind::Mul>;
template struct BinaryOp<NodeKind::Div>;
template struct BinaryOp<NodeKind::Mod>;
template struct BinaryOp<NodeKind::Min>;
template struct BinaryOp<NodeKind::Max>;
template struct BinaryOp<NodeKind::EQ>;
template struct BinaryOp<NodeKind::NE>;
template struct BinaryOp<NodeKind::LT>;
template struct BinaryOp<NodeKind::LE>;
template struct BinaryOp<NodeKind::GT>;
template struct BinaryOp<NodeKind::GE>;
template struct BinaryOp<NodeKind::And>;
template struct BinaryOp<NodeKind::Or>;

Expr Not::make(Expr a) {
  require_defined(a, "Not");
  require(a.type().is_bool(), "Not", "operand must be bool");
  Type t = a.type();
  return Expr(std::make_shared<const Not>(t, std::move(a)));
}

Expr Select::make(Expr condition, Expr t, Expr f) {
  require_defined(condition, "Select");
  require_defined(t, "Select");
  require_defined(f, "Select");
  require(condition.type().is_bool(), "Select", "condition must be bool");
  require(t.type() == f.type(), "Select", "the two values differ in type");
  require(condition.type().lanes == 1 || condition.type().lanes == t.type().lanes, "Select", "condition lanes differ");
  Type type = t.type();
  return Expr(std::make_shared<const Select>(type, std::move(condition), std::move(t), std::move(f)));
}

Expr Cast::make(Type type, Expr value) {
  require_defined(value, "Cast");
  require(type.lanes == value.type().lanes, "Cast", "lane counts differ");
  require(!type.is_bool() && !value.type().is_bool(), "Cast", "bool casts are not supported");
  return Expr(std::make_shared<const Cast>(type, std::move(value)));
}

Expr Load::make(Buffer buffer, Expr index) {
  require(buffer != nullptr, "Load", "no buffer");
  require_defined(index, "Load");
  require(index.type().is_int(), "Load", "index must be an integer");
  Type t = Type::f32(index.type().lanes);
  return Expr(std::make_shared<const Load>(t, std::move(buffer), std::move(index)));
}

Expr Ramp::make(Expr base, Expr stride, int lanes) {
  require_defined(base, "Ramp");
  require_defined(stride, "Ramp");
  require(base.type() == Type::i64() && stride.type() == Type::i64(), "Ramp", "base and stride must be scalar i64");
  require(lanes > 1, "Ramp", "needs at least 2 lanes");
  return Expr(std::make_shared<const Ramp>(Type::i64(lanes), std::move(base), std::move(stride), lanes));
}

Expr Broadcast::make(Expr value, int lanes) {
  require_defined(value, "Broadcast");
  require(value.type().is_scalar() && lanes > 1, "Broadcast", "broadcasts a scalar to 2 or more lanes");
  Type t = value.type().with_lanes(lanes);
  return Expr(std::make_shared<const Broadcast>(t, std::move(value), lanes));
}

Expr ReduceAdd::make(Expr value) {
  require_defined(value, "ReduceAdd");
  require(value.type().is_float() && value.type().is_vector(), "ReduceAdd", "sums the lanes of a float vector");
  Type t = value.type().element_of();
  return Expr(std::make_shared<const ReduceAdd>(t, std::move(value)));
}

const char* intrinsic_name(Intrinsic f) {
  switch (f) {
    case Intrinsic::Exp: return "exp";
    case Intrinsic::Log: return "log";
    case Intrinsic::Sqrt: return "sqrt";
    case Intrinsic::Erf: return "erf";
    case Intrinsic::Tanh: return "tanh";
    case Intrinsic::Abs: return "abs";
    case Intrinsic::Fma: return "fma";
  }
  return "?";
}

Expr Call::make(Intrinsic function, std::vector<Expr> args) {
  size_t arity = function == Intrinsic::Fma ? 3 : 1;
  require(args.size() == arity, "Call", fmt::format("{} takes {} arguments", intrinsic_name(function), arity));
  for (const Expr& a : args) {
    require_defined(a, "Call");
    require(a.type() == args[0].type() && a.type().is_float(), "Call", "arguments must be floats of one type");
  }
  Type t = args[0].type();
  return Expr(std::make_shared<const Call>(t, function, std::move(args)));
}

Stmt LetStmt::make(std::string name, Expr value, Stmt body) {
  require_defined(value, "LetStmt");
  require(body.defined(), "LetStmt", "no body");
  return Stmt(std::make_shared<const LetStmt>(std::move(name), std::move(value), std::move(body)));
}

const char* for_kind_name(ForKind k) {
  switch (k) {
    case ForKind::Serial: return "serial";
    case ForKind::Parallel: return "parallel";
    case ForKind::Vectorized: return "vectorized";
    case ForKind::Unrolled: return "unrolled";
  }
  return "?";
}

Stmt For::make(std::string name, Expr min, Expr extent, ForKind kind, Stmt body) {
  require_defined(min, "For");
  require_defined(extent, "For");
  require(min.type() == Type::i64() && extent.type() == Type::i64(), "For", "bounds must be scalar i64");
  require(body.defined(), "For", "no body");
  return Stmt(std::make_shared<const For>(std::move(name), std::move(min), std::move(extent), kind, std::move(body)));
}

Stmt Store::make(Buffer buffer, Expr value, Expr index) {
  require(buffer != nullptr, "Store", "no buffer");
  require(!buffer->read_only, "Store", "buffer '" + buffer->name + "' is read-only");
  require_defined(value, "Store");
  require_defined(index, "Store");
  require(value.type().is_float() && index.type().is_int(), "Store", "stores f32 values at integer indices");
  require(value.type().lanes == index.type().lanes, "Store", "value and index lanes differ");
  return Stmt(std::make_shared<const Store>(std::move(buffer), std::move(value), std::move(index)));
}

Stmt Block::make(std::vector<Stmt> stmts) {
  std::vector<Stmt> flat;
  for (Stmt& s : stmts) {
    if (!s.defined()) continue;
    if (const Block* b = s.as<Block>()) {
      flat.insert(flat.end(), b->stmts.begin(), b->stmts.end());
    } else {
      flat.push_back(std::move(s));
    }
  }
  require(!flat.empty(), "Block", "empty");
  if (flat.size() == 1) return flat[0];
  return Stmt(std::make_shared<const Block>(std::move(flat)));
}

Stmt IfThenElse::make(Expr condition, Stmt then_case, Stmt else_case) {
  require_defined(condition, "IfThenElse");
  require(condition.type() == Type::boolean(), "IfThenElse", "condition must be a scalar bool");
  require(then_case.defined(), "IfThenElse", "no then case");
  return Stmt(std::make_shared<const IfThenElse>(std::move(condition), std::move(then_case), std::move(else_case)));
}

Stmt Allocate::make(Buffer buffer, Stmt body) {
  require(buffer && buffer->kind == BufferNode::Kind::Local, "Allocate", "allocates local buffers only");
  require(body.defined(), "Allocate", "no body");
  return Stmt(std::make_shared<const Allocate>(std::move(buffer), std::move(body)));
}

namespace {

// A scalar operand meeting a vector one is broadcast, as in Halide's operators.
void match_lanes(Expr& a, Expr& b) {
  if (a.type().lanes == b.type().lanes) return;
  if (a.type().is_scalar()) a = Broadcast::make(a, b.type().lanes);
  else if (b.type().is_scalar()) b = Broadcast::make(b, a.type().lanes);
}

}  // namespace

#define NNC_BINARY_OPERATOR(op, Node)  \
  Expr operator op(Expr a, Expr b) {   \
    match_lanes(a, b);                 \
    return Node::make(std::move(a), std::move(b)); \
  }
NNC_BINARY_OPERATOR(+, Add)
NNC_BINARY_OPERATOR(-, Sub)
NNC_BINARY_OPERATOR(*, Mul)
NNC_BINARY_OPERATOR(/, Div)
NNC_BINARY_OPERATOR(%, Mod)
NNC_BINARY_OPERATOR(<, LT)
NNC_BINARY_OPERATOR(<=, LE)
NNC_BINARY_OPERATOR(>, GT)
NNC_BINARY_OPERATOR(>=, GE)
NNC_BINARY_OPERATOR(==, EQ)
NNC_BINARY_OPERATOR(!=, NE)
NNC_BINARY_OPERATOR(&&, And)
NNC_BINARY_OPERATOR(||, Or)
#undef NNC_BINARY_OPERATOR

Expr operator!(Expr a) { return Not::make(std::move(a)); }
Expr min(Expr a, Expr b) {
  match_lanes(a, b);
  return Min::make(std::move(a), std::move(b));
}
Expr max(Expr a, Expr b) {
  match_lanes(a, b);
  return Max::make(std::move(a), std::move(b));
}
Expr select(Expr condition, Expr t, Expr f) {
  match_lanes(t, f);
  return Select::make(std::move(condition), std::move(t), std::move(f));
}
Expr f32(float value) { return FloatImm::make(value); }
Expr i64_var(const std::string& name) { return Var::make(Type::i64(), name); }
Expr call(Intrinsic f, Expr x) { return Call::make(f, {std::move(x)}); }

}  // namespace nnc::ir
