// Fuzz target: a contact flow document (core/flow), as `callgate flow check` and the flows
// directory read them: Flow::check and Flow::load, then a session started on a flow that loads
// and driven a few steps with plausible events, since loading alone does not reach every
// parameter a block reads at run time.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "core/flow/flow.h"
#include "core/flow/session.h"

namespace flow = callgate::flow;

namespace {

// The event a channel would answer `action` with; `turn` varies digits and outcomes.
flow::Event answer(const flow::Action& action, int turn) {
  return std::visit(
      [turn](const auto& a) -> flow::Event {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, flow::PlayPrompt>) {
          return flow::PromptPlayed{};
        } else if constexpr (std::is_same_v<A, flow::CollectDigits>) {
          if (turn % 3 == 2) return flow::InputTimedOut{};
          return flow::DigitsCollected{turn % 3 == 0 ? "1" : "12345678"};
        } else if constexpr (std::is_same_v<A, flow::InvokeFunction>) {
          if (turn % 4 == 3) return flow::FunctionFailed{"fuzz"};
          return flow::FunctionCompleted{
              {{"result", "Authenticated"}, {"recordFound", "true"}, {"firstName", "Ada"}}};
        } else if constexpr (std::is_same_v<A, flow::RecognizeIntent>) {
          return flow::IntentRecognized{"FallbackIntent", {}, 0.5, "text"};
        } else {
          return flow::CallerHungUp{};
        }
      },
      action);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  flow::LoadOptions options;
  options.name = "fuzz";
  const auto errors = flow::Flow::check(json, options);
  auto loaded = flow::Flow::load(json, options);
  if (loaded.ok() != errors.empty()) std::abort();  // check() and load() judge alike
  if (!loaded) return 0;

  flow::CallInfo call;
  call.contactId = "fuzz-contact";
  call.customerAddress = "+14155550100";
  call.systemAddress = "+14155550199";
  flow::Session session(*loaded, call);
  flow::Action action = session.start();
  for (int turn = 0; turn < 64 && !session.finished() && !flow::isTerminal(action); ++turn) {
    action = session.handle(answer(action, turn));
  }
  (void)session.snapshot();
  return 0;
}
