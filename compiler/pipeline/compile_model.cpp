#include "pipeline/compile_model.h"

#include "codegen/cpp/code_printer.h"
#include "ir/simplify.h"
#include "ir/verify.h"
#include "ops/registry.h"
#include "pipeline/share_kernels.h"

namespace nnc {
namespace {

void lower(const Graph& graph, const CompileOptions& options, LoweredModel& model) {
  model = lower_graph(graph, LowerOptions{.threads = options.threads}, lowering_of);
}

void simplify_kernels(const Graph&, const CompileOptions&, LoweredModel& model) {
  for (ir::Function& f : model.module.functions) f.body = ir::simplify(f.body);
}

void verify_kernels(const Graph&, const CompileOptions&, LoweredModel& model) {
  for (const ir::Function& f : model.module.functions) ir::verify(f);
}

void share_kernels(const Graph&, const CompileOptions&, LoweredModel& model) { share_identical_kernels(model.module); }

struct Pass {
  PassInfo info;
  void (*run)(const Graph&, const CompileOptions&, LoweredModel&);
};

const std::vector<Pass>& passes() {
  static const std::vector<Pass> list = {
      {{"lower", "each step of the schedule as one kernel, as its ops write it"}, lower},
      {{"simplify", "folds constants and simplifies index arithmetic"}, simplify_kernels},
      {{"verify", "proves every access in bounds and every name bound; changes nothing"}, verify_kernels},
      {{"share", "compiles identical kernels once, every step that needs one calling it"}, share_kernels},
  };
  return list;
}

}  // namespace

const std::vector<PassInfo>& compile_passes() {
  static const std::vector<PassInfo> infos = [] {
    std::vector<PassInfo> out;
    for (const Pass& p : passes()) out.push_back(p.info);
    return out;
  }();
  return infos;
}

LoweredModel compile_model(const Graph& graph, const CompileOptions& options) {
  LoweredModel model;
  for (const Pass& pass : passes()) {
    pass.run(graph, options, model);
    if (options.dump && (options.dump_after == pass.info.name || options.dump_after == "all")) {
      *options.dump << "// Loop IR after " << pass.info.name << "\n";
      codegen::CodePrinter(*options.dump).print_module(model.module);
    }
  }
  return model;
}

}  // namespace nnc
