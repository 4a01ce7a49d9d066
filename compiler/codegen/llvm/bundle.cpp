#include "codegen/llvm/bundle.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "codegen/llvm/codegen_llvm.h"
#include "support/internal_error.h"

namespace nnc::codegen {

namespace {

llvm::GlobalVariable* parameter_constant(llvm::Module& module, llvm::ArrayRef<float> parameters) {
  llvm::Constant* data = llvm::ConstantDataArray::get(module.getContext(), parameters);
  auto* global = new llvm::GlobalVariable(module, data->getType(), true, llvm::GlobalValue::PrivateLinkage, data, "parameters");
  global->setAlignment(llvm::Align(64));  // as the JIT's parameter block (pack_parameters)
  return global;
}

// A caller's workspace need only be float-aligned (the API of --emit cpp), and kernels get slices of it, so no
// buffer argument may be assumed more aligned than that.
void drop_argument_alignment(llvm::Module& module) {
  for (llvm::Function& f : module)
    for (llvm::Argument& argument : f.args()) argument.removeAttr(llvm::Attribute::Alignment);
}

// The bundle has no thread pool: each parallel loop runs as one task over its whole range, on the calling thread.
void define_serial_parallel_for(llvm::Module& module, const llvm::AttributeSet& attributes) {
  llvm::Function* f = module.getFunction(kParallelForName);
  if (!f) return;
  f->setLinkage(llvm::GlobalValue::InternalLinkage);
  f->addFnAttrs(llvm::AttrBuilder(module.getContext(), attributes));
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(module.getContext(), "entry", f));
  llvm::Value *begin = f->getArg(0), *end = f->getArg(1), *task = f->getArg(3), *context = f->getArg(4);
  auto* task_type = llvm::FunctionType::get(builder.getVoidTy(), {builder.getPtrTy(), builder.getInt64Ty(), builder.getInt64Ty()}, false);
  builder.CreateCall(task_type, task, {context, begin, end});
  builder.CreateRetVoid();
}

void define_forward(llvm::Module& module, llvm::Function& entry, llvm::GlobalVariable& parameters, const std::string& symbol) {
  if (module.getNamedValue(symbol)) internal_error("bundle: the symbol " + symbol + " is already taken in the module");
  llvm::IRBuilder<> builder(module.getContext());
  auto* ptr = builder.getPtrTy();
  auto* type = llvm::FunctionType::get(builder.getVoidTy(), {ptr, ptr, ptr}, false);
  auto* f = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, symbol, module);
  f->addFnAttrs(llvm::AttrBuilder(module.getContext(), entry.getAttributes().getFnAttrs()));
  llvm::Value *input = f->getArg(0), *output = f->getArg(1), *workspace = f->getArg(2);
  input->setName("input");
  output->setName("output");
  workspace->setName("workspace");
  builder.SetInsertPoint(llvm::BasicBlock::Create(module.getContext(), "entry", f));
  builder.CreateCall(&entry, {input, output, &parameters, workspace});
  builder.CreateRetVoid();
}

}  // namespace

void make_bundle(llvm::Module& module, const std::string& entry_name, llvm::ArrayRef<float> parameters, const std::string& symbol) {
  llvm::Function* entry = module.getFunction(entry_name);
  if (!entry || entry->arg_size() != 4) internal_error("bundle: the module has no entry point " + entry_name + "(input, output, params, arena)");
  entry->setLinkage(llvm::GlobalValue::InternalLinkage);
  drop_argument_alignment(module);
  define_serial_parallel_for(module, entry->getAttributes().getFnAttrs());
  define_forward(module, *entry, *parameter_constant(module, parameters), symbol);
  std::string errors;
  llvm::raw_string_ostream stream(errors);
  if (llvm::verifyModule(module, &stream)) internal_error("the bundle's LLVM IR does not verify: " + stream.str());
}

}  // namespace nnc::codegen
