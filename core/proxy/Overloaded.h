#pragma once

namespace spyglass::core {

// std::visit with one lambda per alternative.
template <typename... Fs> struct Overloaded : Fs... { using Fs::operator()...; };
template <typename... Fs> Overloaded(Fs...) -> Overloaded<Fs...>;

} // namespace spyglass::core
