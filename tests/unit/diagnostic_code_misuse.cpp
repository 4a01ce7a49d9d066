// Compiled by the tests in CMakeLists.txt, never linked: as it stands it compiles; with
// -DUNDECLARED_CODE or -DOTHER_SEVERITY it must fail to, naming the mistake.
#include "support/diagnostic_codes.h"

void report(nnc::ErrorCode code);

void misuse() {
  report("groups-mismatch");
#ifdef UNDECLARED_CODE
  report("groups-mismatches");
#endif
#ifdef OTHER_SEVERITY
  report("unused-layer");
#endif
}
