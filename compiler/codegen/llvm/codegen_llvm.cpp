#include "codegen/llvm/codegen_llvm.h"

#include <fmt/format.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <map>

#include "ir/visitor.h"
#include "support/internal_error.h"

namespace nnc::codegen {

using namespace nnc::ir;

namespace {

class CodeGenLLVM : public ExprFunctor<llvm::Value*>, public StmtFunctor<void> {
 public:
  CodeGenLLVM(llvm::Module& module, const llvm::TargetMachine& target)
      : module_(module), context_(module.getContext()), builder_(context_), target_(target) {
    llvm::FastMathFlags flags;
    flags.setAllowContract(true);  // a*b+c may become one fused multiply-add
    builder_.setFastMathFlags(flags);
  }

  void compile(const ir::Module& m, bool step_functions) {
    std::vector<llvm::Function*> kernels;
    for (const Function& f : m.functions) kernels.push_back(compile_kernel(f));
    compile_entry(m.entry_name, m, kernels, 0, m.entry.size());
    if (step_functions)
      for (size_t i = 0; i < m.entry.size(); ++i) compile_entry(step_function_name(m, i), m, kernels, i, i + 1);
  }

 protected:
  using ExprFunctor<llvm::Value*>::visit;
  using StmtFunctor<void>::visit;

  llvm::Value* codegen(const Expr& e) { return ExprFunctor<llvm::Value*>::dispatch(e); }
  void codegen(const Stmt& s) { StmtFunctor<void>::dispatch(s); }

  llvm::Value* visit(const IntImm* op) override { return builder_.getInt64(op->value); }
  llvm::Value* visit(const FloatImm* op) override { return llvm::ConstantFP::get(builder_.getFloatTy(), op->value); }
  llvm::Value* visit(const Var* op) override {
    auto it = symbols_.find(op->name);
    if (it == symbols_.end()) internal_error("codegen: unbound variable " + op->name);
    return it->second;
  }

  llvm::Value* visit(const Add* op) override {
    llvm::Value *a = codegen(op->a), *b = codegen(op->b);
    return op->type.is_float() ? builder_.CreateFAdd(a, b) : builder_.CreateAdd(a, b);
  }
  llvm::Value* visit(const Sub* op) override {
    llvm::Value *a = codegen(op->a), *b = codegen(op->b);
    return op->type.is_float() ? builder_.CreateFSub(a, b) : builder_.CreateSub(a, b);
  }
  llvm::Value* visit(const Mul* op) override {
    llvm::Value *a = codegen(op->a), *b = codegen(op->b);
    return op->type.is_float() ? builder_.CreateFMul(a, b) : builder_.CreateMul(a, b);
  }
  // Integer division and remainder round toward negative infinity.
  llvm::Value* visit(const Div* op) override {
    llvm::Value *a = codegen(op->a), *b = codegen(op->b);
    if (op->type.is_float()) return builder_.CreateFDiv(a, b);
    llvm::Value* q = builder_.CreateSDiv(a, b);
    llvm::Value* r = builder_.CreateSRem(a, b);
    return builder_.CreateSub(q, builder_.CreateZExt(rounds_wrong(r, b), q->getType()));
  }
  llvm::Value* visit(const Mod* op) override {
    llvm::Value *a = codegen(op->a), *b = codegen(op->b);
    llvm::Value* r = builder_.CreateSRem(a, b);
    return builder_.CreateSelect(rounds_wrong(r, b), builder_.CreateAdd(r, b), r);
  }
  llvm::Value* visit(const Min* op) override {
    llvm::Value *a = codegen(op->a), *b = codegen(op->b);
    return builder_.CreateSelect(less(op->type, a, b), a, b);
  }
  llvm::Value* visit(const Max* op) override {
    llvm::Value *a = codegen(op->a), *b = codegen(op->b);
    return builder_.CreateSelect(less(op->type, b, a), a, b);
  }
  llvm::Value* visit(const EQ* op) override { return compare(op->a, op->b, llvm::CmpInst::FCMP_OEQ, llvm::CmpInst::ICMP_EQ); }
  // Unordered: NaN != NaN, which the NaN-propagating ops rely on.
  llvm::Value* visit(const NE* op) override { return compare(op->a, op->b, llvm::CmpInst::FCMP_UNE, llvm::CmpInst::ICMP_NE); }
  llvm::Value* visit(const LT* op) override { return compare(op->a, op->b, llvm::CmpInst::FCMP_OLT, llvm::CmpInst::ICMP_SLT); }
  llvm::Value* visit(const LE* op) override { return compare(op->a, op->b, llvm::CmpInst::FCMP_OLE, llvm::CmpInst::ICMP_SLE); }
  llvm::Value* visit(const GT* op) override { return compare(op->a, op->b, llvm::CmpInst::FCMP_OGT, llvm::CmpInst::ICMP_SGT); }
  llvm::Value* visit(const GE* op) override { return compare(op->a, op->b, llvm::CmpInst::FCMP_OGE, llvm::CmpInst::ICMP_SGE); }
  llvm::Value* visit(const And* op) override { return builder_.CreateAnd(codegen(op->a), codegen(op->b)); }
  llvm::Value* visit(const Or* op) override { return builder_.CreateOr(codegen(op->a), codegen(op->b)); }
  llvm::Value* visit(const Not* op) override { return builder_.CreateNot(codegen(op->a)); }
  llvm::Value* visit(const Select* op) override {
    return builder_.CreateSelect(codegen(op->condition), codegen(op->true_value), codegen(op->false_value));
  }
  llvm::Value* visit(const Cast* op) override {
    llvm::Value* v = codegen(op->value);
    llvm::Type* to = llvm_type(op->type);
    return op->type.is_float() ? builder_.CreateSIToFP(v, to) : builder_.CreateFPToSI(v, to);
  }
  llvm::Value* visit(const Load* op) override {
    if (op->type.is_vector()) return vector_access(op->buffer, op->index, nullptr);
    llvm::Value* address = element_address(op->buffer, codegen(op->index));
    return annotate(builder_.CreateAlignedLoad(builder_.getFloatTy(), address, llvm::Align(4)), op->buffer);
  }
  llvm::Value* visit(const Ramp* op) override {
    llvm::Value *base = codegen(op->base), *stride = codegen(op->stride);
    llvm::Value* v = llvm::PoisonValue::get(llvm_type(op->type));
    for (int i = 0; i < op->lanes; ++i)
      v = builder_.CreateInsertElement(v, builder_.CreateAdd(base, builder_.CreateMul(stride, builder_.getInt64(i))), i);
    return v;
  }
  llvm::Value* visit(const Broadcast* op) override { return builder_.CreateVectorSplat(op->lanes, codegen(op->value)); }
  llvm::Value* visit(const ReduceAdd* op) override {
    llvm::Value* v = codegen(op->value);
    llvm::FastMathFlags saved = builder_.getFastMathFlags();
    llvm::FastMathFlags flags = saved;
    flags.setAllowReassoc(true);  // the lanes may be summed as a tree
    builder_.setFastMathFlags(flags);
    llvm::Value* sum = builder_.CreateFAddReduce(llvm::ConstantFP::get(builder_.getFloatTy(), -0.0), v);
    builder_.setFastMathFlags(saved);
    return sum;
  }
  llvm::Value* visit(const Call* op) override {
    std::vector<llvm::Value*> args;
    for (const Expr& a : op->args) args.push_back(codegen(a));
    llvm::Type* type = llvm_type(op->type);
    if (op->type.is_vector()) {
      if (llvm::Value* v = vector_math(op->function, args[0])) return v;
    }
    switch (op->function) {
      case Intrinsic::Exp: return intrinsic(llvm::Intrinsic::exp, type, args);
      case Intrinsic::Log: return intrinsic(llvm::Intrinsic::log, type, args);
      case Intrinsic::Sqrt: return intrinsic(llvm::Intrinsic::sqrt, type, args);
      case Intrinsic::Abs: return intrinsic(llvm::Intrinsic::fabs, type, args);
      case Intrinsic::Fma: return intrinsic(llvm::Intrinsic::fma, type, args);
      case Intrinsic::Erf: return libm("erff", args[0]);
      case Intrinsic::Tanh: return libm("tanhf", args[0]);
    }
    internal_error("codegen: unknown intrinsic");
  }

  void visit(const LetStmt* op) override {
    llvm::Value* v = codegen(op->value);
    v->setName(op->name);
    symbols_[op->name] = v;
    codegen(op->body);
    symbols_.erase(op->name);
  }

  void visit(const For* op) override {
    llvm::Value* min = codegen(op->min);
    llvm::Value* extent = codegen(op->extent);
    if (op->for_kind == ForKind::Parallel) {
      parallel_loop(op, min, extent);
      return;
    }
    serial_loop(op->name, min, builder_.CreateAdd(min, extent), op->body, op->for_kind == ForKind::Unrolled);
  }

  void visit(const Store* op) override {
    llvm::Value* value = codegen(op->value);
    if (op->value.type().is_vector()) {
      vector_access(op->buffer, op->index, value);
      return;
    }
    llvm::Value* address = element_address(op->buffer, codegen(op->index));
    annotate(builder_.CreateAlignedStore(value, address, llvm::Align(4)), op->buffer);
  }

  void visit(const Block* op) override {
    for (const Stmt& s : op->stmts) codegen(s);
  }

  void visit(const IfThenElse* op) override {
    llvm::Function* f = builder_.GetInsertBlock()->getParent();
    auto* then_block = llvm::BasicBlock::Create(context_, "then", f);
    auto* else_block = op->else_case.defined() ? llvm::BasicBlock::Create(context_, "else", f) : nullptr;
    auto* after = llvm::BasicBlock::Create(context_, "endif", f);
    builder_.CreateCondBr(codegen(op->condition), then_block, else_block ? else_block : after);
    builder_.SetInsertPoint(then_block);
    codegen(op->then_case);
    builder_.CreateBr(after);
    if (else_block) {
      builder_.SetInsertPoint(else_block);
      codegen(op->else_case);
      builder_.CreateBr(after);
    }
    builder_.SetInsertPoint(after);
  }

  void visit(const Allocate* op) override {
    // Allocas belong in the entry block, so loops around them do not grow the stack.
    llvm::Function* f = builder_.GetInsertBlock()->getParent();
    llvm::IRBuilder<> entry(&f->getEntryBlock(), f->getEntryBlock().begin());
    llvm::AllocaInst* storage = entry.CreateAlloca(builder_.getFloatTy(), entry.getInt64(op->buffer->size), op->buffer->name);
    storage->setAlignment(llvm::Align(64));
    buffers_[op->buffer.get()] = storage;
    codegen(op->body);
    buffers_.erase(op->buffer.get());
  }

 private:
  llvm::Type* llvm_type(Type t) {
    llvm::Type* scalar = t.is_float() ? builder_.getFloatTy() : t.is_bool() ? builder_.getInt1Ty() : builder_.getInt64Ty();
    return t.is_scalar() ? scalar : llvm::FixedVectorType::get(scalar, t.lanes);
  }

  // For floor division: the truncated quotient is one too high when the remainder and divisor differ in sign.
  llvm::Value* rounds_wrong(llvm::Value* r, llvm::Value* b) {
    llvm::Value* zero = llvm::ConstantInt::get(r->getType(), 0);
    return builder_.CreateAnd(builder_.CreateICmpNE(r, zero),
                              builder_.CreateICmpNE(builder_.CreateICmpSLT(r, zero), builder_.CreateICmpSLT(b, zero)));
  }

  llvm::Value* less(Type t, llvm::Value* a, llvm::Value* b) {
    return t.is_float() ? builder_.CreateFCmpOLT(a, b) : builder_.CreateICmpSLT(a, b);
  }

  llvm::Value* compare(const Expr& x, const Expr& y, llvm::CmpInst::Predicate fp, llvm::CmpInst::Predicate ip) {
    llvm::Value *a = codegen(x), *b = codegen(y);
    return x.type().is_float() ? builder_.CreateFCmp(fp, a, b) : builder_.CreateICmp(ip, a, b);
  }

  llvm::Value* intrinsic(llvm::Intrinsic::ID id, llvm::Type* type, const std::vector<llvm::Value*>& args) {
    return builder_.CreateCall(llvm::Intrinsic::getDeclaration(&module_, id, {type}), args);
  }

  // glibc's vector math library (libmvec) for exp, log, tanh and erf on 4, 8 or 16 lanes, the
  // widest the target has; other lane counts are widened to it. Null when the target has none.
  llvm::Value* vector_math(Intrinsic f, llvm::Value* x) {
    const char* name = f == Intrinsic::Exp ? "expf" : f == Intrinsic::Log ? "logf" : f == Intrinsic::Tanh ? "tanhf" : f == Intrinsic::Erf ? "erff" : nullptr;
    if (!name) return nullptr;
    llvm::StringRef features = target_.getTargetFeatureString();
    unsigned width = features.contains("+avx512f") ? 16 : features.contains("+avx2") ? 8 : features.contains("+sse4.1") ? 4 : 0;
    if (width == 0) return nullptr;
    const char* isa = width == 16 ? "e" : width == 8 ? "d" : "b";
    auto* vector = llvm::cast<llvm::FixedVectorType>(x->getType());
    const unsigned lanes = vector->getNumElements();
    auto* wide = llvm::FixedVectorType::get(builder_.getFloatTy(), width);
    llvm::FunctionCallee fn = module_.getOrInsertFunction(fmt::format("_ZGV{}N{}v_{}", isa, width, name), wide, wide);
    if (auto* decl = llvm::dyn_cast<llvm::Function>(fn.getCallee())) {
      decl->setDoesNotThrow();
      decl->setDoesNotAccessMemory();
    }
    llvm::Value* result = llvm::PoisonValue::get(vector);
    for (unsigned start = 0; start < lanes; start += width) {
      // Lanes [start, start + width) of x, padded with the last lane past its end.
      std::vector<int> take, back;
      for (unsigned i = 0; i < width; ++i) take.push_back(static_cast<int>(std::min(start + i, lanes - 1)));
      llvm::Value* piece = builder_.CreateCall(fn, {builder_.CreateShuffleVector(x, take)});
      for (unsigned i = start; i < std::min(start + width, lanes); ++i)
        result = builder_.CreateInsertElement(result, builder_.CreateExtractElement(piece, i - start), i);
    }
    return result;
  }

  // A libm function of one float, applied lane by lane to vectors.
  llvm::Value* libm(const char* name, llvm::Value* x) {
    llvm::FunctionCallee f = module_.getOrInsertFunction(name, builder_.getFloatTy(), builder_.getFloatTy());
    if (auto* fn = llvm::dyn_cast<llvm::Function>(f.getCallee())) {
      fn->setDoesNotThrow();
      fn->setOnlyAccessesInaccessibleMemory();
    }
    auto* vector = llvm::dyn_cast<llvm::FixedVectorType>(x->getType());
    if (!vector) return builder_.CreateCall(f, {x});
    llvm::Value* result = llvm::PoisonValue::get(vector);
    for (unsigned i = 0; i < vector->getNumElements(); ++i)
      result = builder_.CreateInsertElement(result, builder_.CreateCall(f, {builder_.CreateExtractElement(x, i)}), i);
    return result;
  }

  llvm::Value* base_pointer(const Buffer& b) {
    auto it = buffers_.find(b.get());
    if (it == buffers_.end()) internal_error("codegen: buffer '" + b->name + "' is not in scope");
    return it->second;
  }

  llvm::Value* element_address(const Buffer& b, llvm::Value* index) {
    return builder_.CreateInBoundsGEP(builder_.getFloatTy(), base_pointer(b), index);
  }

  // Contiguous vectors (a Ramp of stride 1) load and store as one; anything else lane by lane.
  llvm::Value* vector_access(const Buffer& b, const Expr& index, llvm::Value* store_value) {
    const Ramp* ramp = index.as<Ramp>();
    const IntImm* stride = ramp ? ramp->stride.as<IntImm>() : nullptr;
    auto* type = llvm::FixedVectorType::get(builder_.getFloatTy(), index.type().lanes);
    if (stride && stride->value == 1) {
      llvm::Value* address = element_address(b, codegen(ramp->base));
      if (store_value) return annotate(builder_.CreateAlignedStore(store_value, address, llvm::Align(4)), b);
      return annotate(builder_.CreateAlignedLoad(type, address, llvm::Align(4)), b);
    }
    // A small constant stride: the span loaded as whole vectors (the last one masked, so nothing
    // past the span is touched), then every stride-th lane picked out.
    if (stride && stride->value > 1 && stride->value <= 8 && !store_value) {
      const unsigned lanes = index.type().lanes, step = static_cast<unsigned>(stride->value);
      const unsigned span = (lanes - 1) * step + 1, chunks = (span + lanes - 1) / lanes;
      llvm::Value* base = codegen(ramp->base);
      llvm::Value* all = nullptr;
      for (unsigned c = 0; c < chunks; ++c) {
        llvm::Value* address = element_address(b, builder_.CreateAdd(base, builder_.getInt64(c * lanes)));
        const unsigned valid = std::min(lanes, span - c * lanes);
        llvm::Value* part;
        if (valid == lanes) {
          part = annotate(builder_.CreateAlignedLoad(type, address, llvm::Align(4)), b);
        } else {
          std::vector<llvm::Constant*> mask;
          for (unsigned i = 0; i < lanes; ++i) mask.push_back(builder_.getInt1(i < valid));
          part = annotate(builder_.CreateMaskedLoad(type, address, llvm::Align(4), llvm::ConstantVector::get(mask)), b);
        }
        if (!all) {
          all = part;
          continue;
        }
        std::vector<int> joined;  // all's lanes followed by part's
        unsigned have = c * lanes;
        for (unsigned i = 0; i < have + lanes; ++i) joined.push_back(static_cast<int>(i < have ? i : have + (i - have)));
        if (have > lanes) {
          std::vector<int> widen;
          for (unsigned i = 0; i < have; ++i) widen.push_back(static_cast<int>(i < lanes ? i : lanes));
          part = builder_.CreateShuffleVector(part, widen);
        }
        all = builder_.CreateShuffleVector(all, part, joined);
      }
      std::vector<int> picks;
      for (unsigned i = 0; i < lanes; ++i) picks.push_back(static_cast<int>(i * step));
      return builder_.CreateShuffleVector(all, picks);
    }
    llvm::Value* indices = codegen(index);
    llvm::Value* result = llvm::PoisonValue::get(type);
    for (unsigned i = 0; i < type->getNumElements(); ++i) {
      llvm::Value* address = element_address(b, builder_.CreateExtractElement(indices, i));
      if (store_value) {
        builder_.CreateAlignedStore(builder_.CreateExtractElement(store_value, i), address, llvm::Align(4));
      } else {
        result = builder_.CreateInsertElement(result, builder_.CreateAlignedLoad(builder_.getFloatTy(), address, llvm::Align(4)), i);
      }
    }
    return result;
  }

  // Loads and stores of distinct kernel arguments never alias (Function's contract); saying so
  // with scoped metadata keeps that knowledge inside outlined parallel tasks too.
  template <typename Inst>
  Inst* annotate(Inst* inst, const Buffer& b) {
    auto it = std::find_if(scopes_.begin(), scopes_.end(), [&](const auto& entry) { return entry.first == b.get(); });
    if (it == scopes_.end()) return inst;
    inst->setMetadata(llvm::LLVMContext::MD_alias_scope, llvm::MDNode::get(context_, {it->second}));
    std::vector<llvm::Metadata*> others;
    for (const auto& [buffer, scope] : scopes_)
      if (buffer != b.get()) others.push_back(scope);
    if (!others.empty()) inst->setMetadata(llvm::LLVMContext::MD_noalias, llvm::MDNode::get(context_, others));
    return inst;
  }

  void serial_loop(const std::string& name, llvm::Value* begin, llvm::Value* end, const Stmt& body, bool unrolled) {
    llvm::Function* f = builder_.GetInsertBlock()->getParent();
    llvm::BasicBlock* preheader = builder_.GetInsertBlock();
    auto* header = llvm::BasicBlock::Create(context_, name + ".loop", f);
    auto* body_block = llvm::BasicBlock::Create(context_, name + ".body", f);
    auto* exit = llvm::BasicBlock::Create(context_, name + ".exit", f);
    builder_.CreateBr(header);
    builder_.SetInsertPoint(header);
    llvm::PHINode* i = builder_.CreatePHI(builder_.getInt64Ty(), 2, name);
    i->addIncoming(begin, preheader);
    builder_.CreateCondBr(builder_.CreateICmpSLT(i, end), body_block, exit);
    builder_.SetInsertPoint(body_block);
    symbols_[name] = i;
    codegen(body);
    symbols_.erase(name);
    llvm::Value* next = builder_.CreateAdd(i, builder_.getInt64(1), name + ".next", true, true);
    llvm::BranchInst* latch = builder_.CreateBr(header);
    i->addIncoming(next, builder_.GetInsertBlock());
    if (unrolled) {
      llvm::MDNode* full = llvm::MDNode::get(context_, {llvm::MDString::get(context_, "llvm.loop.unroll.full")});
      llvm::MDNode* loop_id = llvm::MDNode::getDistinct(context_, {nullptr, full});
      loop_id->replaceOperandWith(0, loop_id);
      latch->setMetadata(llvm::LLVMContext::MD_loop, loop_id);
    }
    builder_.SetInsertPoint(exit);
  }

  // The body runs as task(context, lo, hi) under nnc_parallel_for; the context carries every
  // buffer pointer and every variable in scope.
  void parallel_loop(const For* op, llvm::Value* min, llvm::Value* extent) {
    std::vector<std::pair<const BufferNode*, llvm::Value*>> buffers(buffers_.begin(), buffers_.end());
    std::vector<std::pair<std::string, llvm::Value*>> symbols(symbols_.begin(), symbols_.end());
    std::vector<llvm::Type*> fields;
    for (const auto& b : buffers) fields.push_back(b.second->getType());
    for (const auto& s : symbols) fields.push_back(s.second->getType());
    llvm::StructType* closure_type = llvm::StructType::get(context_, fields);

    llvm::Function* parent = builder_.GetInsertBlock()->getParent();
    llvm::IRBuilder<> entry(&parent->getEntryBlock(), parent->getEntryBlock().begin());
    llvm::AllocaInst* closure = entry.CreateAlloca(closure_type, nullptr, op->name + ".closure");
    unsigned field = 0;
    for (const auto& b : buffers) builder_.CreateStore(b.second, builder_.CreateStructGEP(closure_type, closure, field++));
    for (const auto& s : symbols) builder_.CreateStore(s.second, builder_.CreateStructGEP(closure_type, closure, field++));

    auto* ptr = builder_.getPtrTy();
    auto* task_type = llvm::FunctionType::get(builder_.getVoidTy(), {ptr, builder_.getInt64Ty(), builder_.getInt64Ty()}, false);
    auto* task = llvm::Function::Create(task_type, llvm::Function::InternalLinkage, parent->getName() + "." + op->name + ".task", module_);
    copy_target_attributes(task);
    task->addParamAttr(0, llvm::Attribute::NoAlias);

    llvm::IRBuilderBase::InsertPoint saved = builder_.saveIP();
    auto saved_buffers = buffers_;
    auto saved_symbols = symbols_;
    builder_.SetInsertPoint(llvm::BasicBlock::Create(context_, "entry", task));
    llvm::Value* context = task->getArg(0);
    field = 0;
    for (const auto& b : buffers)
      buffers_[b.first] = builder_.CreateLoad(ptr, builder_.CreateStructGEP(closure_type, context, field++), b.first->name);
    for (const auto& s : symbols)
      symbols_[s.first] = builder_.CreateLoad(s.second->getType(), builder_.CreateStructGEP(closure_type, context, field++), s.first);
    serial_loop(op->name, task->getArg(1), task->getArg(2), op->body, false);
    builder_.CreateRetVoid();
    buffers_ = saved_buffers;
    symbols_ = saved_symbols;
    builder_.restoreIP(saved);

    llvm::FunctionCallee run = module_.getOrInsertFunction(
        kParallelForName, llvm::FunctionType::get(builder_.getVoidTy(), {builder_.getInt64Ty(), builder_.getInt64Ty(), builder_.getInt64Ty(), ptr, ptr}, false));
    builder_.CreateCall(run, {min, builder_.CreateAdd(min, extent), builder_.getInt64(1), task, closure});
  }

  void copy_target_attributes(llvm::Function* f) {
    f->addFnAttr("target-cpu", target_.getTargetCPU());
    f->addFnAttr("target-features", target_.getTargetFeatureString());
    if (target_.getTargetFeatureString().contains("+avx512f")) f->addFnAttr("prefer-vector-width", "512");
    f->addFnAttr(llvm::Attribute::NoUnwind);
  }

  llvm::Function* declare(const std::string& name, const std::vector<Buffer>& args, llvm::GlobalValue::LinkageTypes linkage) {
    std::vector<llvm::Type*> types(args.size(), builder_.getPtrTy());
    auto* type = llvm::FunctionType::get(builder_.getVoidTy(), types, false);
    llvm::Function* f = llvm::Function::Create(type, linkage, name, module_);
    copy_target_attributes(f);
    for (size_t i = 0; i < args.size(); ++i) {
      f->getArg(static_cast<unsigned>(i))->setName(args[i]->name);
      f->addParamAttr(static_cast<unsigned>(i), llvm::Attribute::NoCapture);
      if (args[i]->read_only) f->addParamAttr(static_cast<unsigned>(i), llvm::Attribute::ReadOnly);
      if (args[i]->alignment >= 16)
        f->addParamAttr(static_cast<unsigned>(i), llvm::Attribute::getWithAlignment(context_, llvm::Align(args[i]->alignment)));
    }
    return f;
  }

  llvm::Function* compile_kernel(const Function& kernel) {
    llvm::Function* f = declare(kernel.name, kernel.args, llvm::Function::InternalLinkage);
    // A kernel is called from the entry point and from its step function: inlining would only
    // compile it twice.
    f->addFnAttr(llvm::Attribute::NoInline);
    llvm::MDBuilder md(context_);
    llvm::MDNode* domain = md.createAnonymousAliasScopeDomain(kernel.name);
    buffers_.clear();
    scopes_.clear();
    for (size_t i = 0; i < kernel.args.size(); ++i) {
      f->addParamAttr(static_cast<unsigned>(i), llvm::Attribute::NoAlias);
      buffers_[kernel.args[i].get()] = f->getArg(static_cast<unsigned>(i));
      scopes_.emplace_back(kernel.args[i].get(), md.createAnonymousAliasScope(domain, kernel.args[i]->name));
    }
    builder_.SetInsertPoint(llvm::BasicBlock::Create(context_, "entry", f));
    codegen(kernel.body);
    builder_.CreateRetVoid();
    buffers_.clear();
    scopes_.clear();
    return f;
  }

  // An external function calling kernels [first, last) of the entry point in order.
  void compile_entry(const std::string& name, const ir::Module& m, const std::vector<llvm::Function*>& kernels, size_t first, size_t last) {
    llvm::Function* f = declare(name, m.entry_args, llvm::Function::ExternalLinkage);
    builder_.SetInsertPoint(llvm::BasicBlock::Create(context_, "entry", f));
    std::map<const BufferNode*, llvm::Value*> args;
    for (size_t i = 0; i < m.entry_args.size(); ++i) args[m.entry_args[i].get()] = f->getArg(static_cast<unsigned>(i));
    for (size_t c = first; c < last; ++c) {
      const KernelCall& call = m.entry[c];
      std::vector<llvm::Value*> values;
      for (const Buffer& b : call.args) {
        const BufferNode* root = b->kind == BufferNode::Kind::Slice ? b->parent.get() : b.get();
        llvm::Value* base = args.at(root);
        values.push_back(b->kind == BufferNode::Kind::Slice
                             ? builder_.CreateInBoundsGEP(builder_.getFloatTy(), base, builder_.getInt64(b->offset), b->name)
                             : base);
      }
      builder_.CreateCall(kernels[call.function], values);
    }
    builder_.CreateRetVoid();
  }

  llvm::Module& module_;
  llvm::LLVMContext& context_;
  llvm::IRBuilder<> builder_;
  const llvm::TargetMachine& target_;
  std::map<std::string, llvm::Value*> symbols_;
  std::map<const BufferNode*, llvm::Value*> buffers_;
  // In argument order, not by address: the same model must give the same module, byte for byte (the JIT's cache
  // is keyed by it).
  std::vector<std::pair<const BufferNode*, llvm::MDNode*>> scopes_;
};

}  // namespace

std::string step_function_name(const ir::Module& module, size_t step) { return module.entry_name + "_step" + std::to_string(step); }

std::unique_ptr<llvm::Module> compile_to_llvm(const ir::Module& module, llvm::LLVMContext& context, const llvm::TargetMachine& target,
                                              bool step_functions) {
  auto llvm_module = std::make_unique<llvm::Module>(module.name, context);
  llvm_module->setTargetTriple(target.getTargetTriple().str());
  llvm_module->setDataLayout(target.createDataLayout());
  CodeGenLLVM(*llvm_module, target).compile(module, step_functions);
  std::string errors;
  llvm::raw_string_ostream stream(errors);
  if (llvm::verifyModule(*llvm_module, &stream)) internal_error("generated LLVM IR does not verify: " + stream.str());
  return llvm_module;
}

}  // namespace nnc::codegen
