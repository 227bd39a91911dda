// curl_version_info() reports the loaded library, so a system upgrade of
// libcurl or its TLS backend shows up in rtwatch --version.
#include "rtwatch/net/library_version.hpp"

#include <curl/curl.h>

namespace rtwatch::net {

std::string libcurl_version_text() {
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    std::string text = "libcurl ";
    text += info->version ? info->version : "unknown";
    text += ", TLS ";
    text += info->ssl_version ? info->ssl_version : "none";
    return text;
}

}  // namespace rtwatch::net
