#pragma once

// Moved to app/common: the GUI quits on SIGINT/SIGTERM the same way.
#include "app/common/SignalWatcher.h"
