#include "adapters/net/sip/retransmitter.h"

namespace callgate::sip {

template class BasicRetransmitter<AsioSteadyTime>;

}  // namespace callgate::sip
