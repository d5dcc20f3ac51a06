#pragma once

#include "certs/Result.h"

namespace spyglass::core::store {

// The store reports failures as values (architecture guide §6), with the
// same small expected-like type that certs/ uses.
using certs::Error;
using certs::Result;
using certs::Status;

} // namespace spyglass::core::store
