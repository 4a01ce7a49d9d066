// `nnc summary MODEL`: the layer table with every window formula worked out.
#include <unistd.h>

#include <iostream>

#include "driver/commands.h"
#include "graph/summary.h"
#include "lower/lower.h"
#include "ops/registry.h"
#include "pipeline/report.h"

namespace nnc {

int run_summary(const SummaryOptions& options) {
  LoadedModel model = load_model(options.file, {.set = options.set});
  print_diagnostics(std::cerr, model, TextStyle{use_color(options.color, STDERR_FILENO)});
  if (model.unreadable()) return kExitUsage;
  if (model.diags.has_errors()) return kExitModelError;
  ModelPlan plan = plan_model(model.graph, lowering_of);
  PlanFacts facts{plan.memory.arena, plan.steps.size()};
  std::cout << format_summary(model.graph, model.path, &facts, options.depth);
  return kExitOk;
}

}  // namespace nnc
