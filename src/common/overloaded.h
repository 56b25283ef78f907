// Overloaded{lambda...}: one callable with an operator() per lambda, for std::visit over a
// variant. Write one lambda per alternative and no generic (auto) one, so that a new
// alternative fails to compile at every visit that does not handle it. Stateless; thread-safe.
#pragma once

namespace callgate {

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace callgate
