#pragma once

// Runs the event loop until a condition holds, for the socket tests: the
// Sockets under test only move bytes while the loop runs.
#include <QTest>

namespace spyglass::testing {

// Bounded: about 30 s at most; returns whether `done` became true.
template <typename Done> bool spinUntil(Done done) {
    for (int i = 0; i < 3000 && !done(); ++i)
        QTest::qWait(10);
    return done();
}

} // namespace spyglass::testing
