#include "codegen/llvm/jit.h"

#include <llvm/Support/MemoryBuffer.h>

#include <dlfcn.h>

#include <cmath>
#include <string>
#include <cstring>

#include "codegen/llvm/target.h"
#include "nnc/abi.h"

namespace nnc::codegen {

namespace {

float erf_f32(float x) { return std::erf(x); }
float tanh_f32(float x) { return std::tanh(x); }
float exp_f32(float x) { return std::exp(x); }
float log_f32(float x) { return std::log(x); }
float sqrt_f32(float x) { return std::sqrt(x); }

// Everything generated code may call: the runtime ABI, libm's float functions that LLVM's math
// intrinsics lower to, and the memory functions its loop idioms become.
llvm::orc::SymbolMap allowed_symbols(llvm::orc::LLJIT& jit) {
  llvm::orc::SymbolMap symbols;
  auto add = [&](const char* name, auto* address) {
    symbols[jit.mangleAndIntern(name)] = llvm::orc::ExecutorSymbolDef(
        llvm::orc::ExecutorAddr::fromPtr(reinterpret_cast<void*>(address)), llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
  };
#define NNC_REGISTER(name, ret, params) add(#name, &name);
  NNC_RUNTIME_ABI(NNC_REGISTER)
#undef NNC_REGISTER
  add("erff", &erf_f32);
  add("tanhf", &tanh_f32);
  add("expf", &exp_f32);
  add("logf", &log_f32);
  add("sqrtf", &sqrt_f32);
  // glibc's vector math (libmvec), which the code generator calls for vector exp, log, tanh, erf.
  if (void* libmvec = dlopen("libmvec.so.1", RTLD_NOW | RTLD_GLOBAL)) {
    for (const char* isa : {"eN16", "dN8", "bN4"})
      for (const char* f : {"expf", "logf", "tanhf", "erff"}) {
        std::string name = std::string("_ZGV") + isa + "v_" + f;
        if (void* address = dlsym(libmvec, name.c_str())) add(name.c_str(), address);
      }
  }
  add("memset", &std::memset);
  add("memcpy", &std::memcpy);
  add("memmove", &std::memmove);
  return symbols;
}

}  // namespace

llvm::Expected<std::unique_ptr<Jit>> Jit::create() {
  initialize_llvm();
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit) return jit.takeError();
  std::unique_ptr<Jit> result(new Jit(std::move(*jit), host_target_machine()));

  if (auto err = result->jit_->getMainJITDylib().define(llvm::orc::absoluteSymbols(allowed_symbols(*result->jit_))))
    return err;
  return result;
}

llvm::Error Jit::add_object(const std::string& object) {
  return jit_->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(object, "model.o"));
}

llvm::Expected<void*> Jit::lookup(const std::string& name) {
  auto address = jit_->lookup(name);
  if (!address) return address.takeError();
  return address->toPtr<void*>();
}

}  // namespace nnc::codegen
