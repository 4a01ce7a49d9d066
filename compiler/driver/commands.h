#pragma once
// The subcommands of the `nnc` driver. Each returns the process exit status.
#include <cstdint>
#include <string>
#include <vector>

namespace nnc {

// Exit statuses shared by every command (model-format.md section 3).
enum ExitCode : int { kExitOk = 0, kExitModelError = 1, kExitUsage = 2, kExitBug = 3 };

enum class ColorMode { Auto, Always, Never };

// `--set NAME=VALUE` for the model's `args`, in the order given.
using ArgSettings = std::vector<std::pair<std::string, std::string>>;
enum class CheckFormat { Text, Json, Github, Sarif };

struct CheckOptions {
  std::vector<std::string> files;
  ArgSettings set;
  bool strict = false;
  CheckFormat format = CheckFormat::Text;
  ColorMode color = ColorMode::Auto;
};

struct SummaryOptions {
  std::string file;
  ArgSettings set;
  int depth = 0;  // > 0: block instances and dotted-name groups deeper than this are one row each
  ColorMode color = ColorMode::Auto;
};

struct RunOptions {
  std::string file;
  ArgSettings set;
  std::string weights, input, output;
  int64_t seed = 0;
  int threads = 1;
  bool verify = false;
  int runs = 0;       // bench: 0 picks a count that takes about a second
  bool json = false;  // bench: --format json
  std::string dump_ir_after;  // a pass name or "all" (pipeline/compile_model.h); empty: no dump
  ColorMode color = ColorMode::Auto;
};

enum class EmitKind { Loops, Cpp, Llvm, Asm, Obj };

struct EmitOptions {
  std::string file;
  ArgSettings set;
  EmitKind what = EmitKind::Loops;
  std::string output;  // a file (cpp: a directory; obj: a directory or a .o file); empty or "-": stdout, for text
  std::string weights;  // cpp, obj: the parameters to embed (default: the model's `weights:`, else seeded)
  bool weights_file = false;  // cpp: write them to NAME.safetensors, which the code loads at run time, not embed them
  int64_t seed = 0;
  int threads = 1;
  std::string dump_ir_after;
  ColorMode color = ColorMode::Auto;
};

struct ExpandOptions {
  std::string file;
  ArgSettings set;
  std::string output;  // empty or "-": stdout
  ColorMode color = ColorMode::Auto;
};

struct ImportOptions {
  std::string file;                  // MODEL.onnx
  std::string output;                // OUT.yaml; empty: MODEL.yaml beside the model
  std::vector<int64_t> input_shape;  // empty: the model's own
};

enum class GraphFormat { Dot, Mermaid };

struct GraphOptions {
  std::string file;
  ArgSettings set;
  GraphFormat format = GraphFormat::Dot;
  std::string output;  // empty or "-": stdout
  ColorMode color = ColorMode::Auto;
};

enum class OpsFormat { Text, Markdown, Json };

struct OpsOptions {
  OpsFormat format = OpsFormat::Text;
};

enum class CodesFormat { Text, Markdown, Json };

struct CodesOptions {
  CodesFormat format = CodesFormat::Text;
};

int run_check(const CheckOptions& options);
int run_ops(const OpsOptions& options);
int run_codes(const CodesOptions& options);
int run_summary(const SummaryOptions& options);
int run_run(const RunOptions& options);
int run_bench(const RunOptions& options);
int run_emit(const EmitOptions& options);
int run_expand(const ExpandOptions& options);
int run_import(const ImportOptions& options);
int run_graph(const GraphOptions& options);

// Colour only on a terminal, and never when NO_COLOR is set.
bool use_color(ColorMode mode, int fd);

}  // namespace nnc
