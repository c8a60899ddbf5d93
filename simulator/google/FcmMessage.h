#pragma once

#include <string>

namespace vestnik::sim {

/// What the simulator needs to know about a message that passed validation.
struct FcmMessage {
    enum class Target { Token, Topic, Condition, Fid };

    Target target = Target::Token;
    std::string address;     ///< the token, topic, condition or Firebase installation id
    std::string collapseKey; ///< android.collapse_key or apns-collapse-id, when set
    bool isValidateOnly = false;
};

} // namespace vestnik::sim
