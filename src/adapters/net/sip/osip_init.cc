#include "adapters/net/sip/osip_init.h"

#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>

#include <cstdarg>
#include <mutex>

namespace callgate::sip {
namespace {

void discardTrace(const char*, int, osip_trace_level_t, const char*, va_list) {}

}  // namespace

void ensureOsipInitialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    osip_trace_initialize_func(END_TRACE_LEVEL, &discardTrace);
    for (int i = 0; i < END_TRACE_LEVEL; ++i) {
      osip_trace_disable_level(static_cast<osip_trace_level_t>(i));
    }
    parser_init();
  });
}

}  // namespace callgate::sip
