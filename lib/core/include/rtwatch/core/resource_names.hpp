// Display names for resources from --names FILE: CSV lines `kind,id,name`
// (kind queue, skill or agent), read at startup and again on SIGHUP. The
// wallboard shows the name large with the id as small text; rtwatch top
// shows it in a NAME column beside the id.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "rtwatch/core/record.hpp"
#include "rtwatch/core/result.hpp"

namespace rtwatch {

class ResourceNames {
public:
    // Parses the file's text; the first bad line is an error naming the
    // file, the line and the fix. Blank lines and lines starting with # are
    // skipped, as is a header line `kind,id,name`.
    static Result<ResourceNames> parse(std::string_view text, std::string_view path);
    static Result<ResourceNames> load(const std::string& path);

    // "" when the file names nothing for the resource.
    std::string_view find(ResourceKind kind, std::string_view id) const;
    std::size_t size() const { return m_names.size(); }
    template <class F>
    void for_each(F&& f) const {
        for (const auto& [key, name] : m_names) {
            auto slash = key.find('/');
            auto kind = key.starts_with("queue")   ? ResourceKind::queue
                        : key.starts_with("skill") ? ResourceKind::skill
                                                   : ResourceKind::agent;
            f(kind, std::string_view(key).substr(slash + 1), std::string_view(name));
        }
    }

private:
    static std::string key(ResourceKind kind, std::string_view id);
    std::map<std::string, std::string, std::less<>> m_names;  // "kind/id" -> name
};

}  // namespace rtwatch
