#pragma once

// Moved to app/common so the GUI records the same way as `spyglass-cli run`.
#include "app/common/SessionRecording.h"
