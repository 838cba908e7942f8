// Only the CICU shim includes this; Swift code never imports ICUSystem directly.
#include <unicode/utypes.h>
