// The logger: what a message may show (secrets masked, server text escaped,
// one line, capped), the journal's priority prefixes and JSON lines.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "rtwatch/core/log.hpp"
#include "rtwatch_test/temp_path.hpp"

namespace rlog = rtwatch::log;

namespace {

// Captures what the logger writes, through a pipe.
struct Capture {
    int fds[2] = {-1, -1};
    explicit Capture(rlog::Options o = {}) {
        REQUIRE(::pipe(fds) == 0);
        o.fd = fds[1];
        rlog::configure(o);
    }
    ~Capture() {
        ::close(fds[0]);
        ::close(fds[1]);
        rlog::configure(rlog::Options{});
        rlog::clear_secrets();
    }
    std::string text() {
        ::close(fds[1]);
        fds[1] = -1;
        std::string out;
        char buf[8192];
        for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
        return out;
    }
};

}  // namespace

TEST_CASE("log: registered secrets are masked wherever they appear", "[core][log]") {
    rlog::clear_secrets();
    rlog::add_secret("s3cret-value");
    rlog::add_secret("abc");  // too short to register: it would mask words
    CHECK(rlog::sanitize("secret=s3cret-value, again s3cret-value.") == "secret=***, again ***.");
    CHECK(rlog::sanitize("abc") == "abc");
    rlog::clear_secrets();
    CHECK(rlog::sanitize("s3cret-value") == "s3cret-value");
}

TEST_CASE("log: a secret inside a longer secret does not break the longer mask", "[core][log]") {
    rlog::clear_secrets();
    rlog::add_secret("hunter2x");
    rlog::add_secret("id:hunter2x:base64form");
    CHECK(rlog::sanitize("got id:hunter2x:base64form") == "got ***");
    rlog::clear_secrets();
}

TEST_CASE("log: only the newest rotating secrets are kept, lasting ones always", "[core][log]") {
    rlog::clear_secrets();
    rlog::add_secret("lasting-secret");
    for (size_t i = 0; i < rlog::k_rotating_secrets + 2; ++i)
        rlog::add_secret("token-number-" + std::to_string(i), rlog::SecretKind::rotating);
    CHECK(rlog::sanitize("token-number-0") == "token-number-0");
    CHECK(rlog::sanitize("token-number-" + std::to_string(rlog::k_rotating_secrets + 1)) == "***");
    CHECK(rlog::sanitize("lasting-secret") == "***");
    rlog::clear_secrets();
}

TEST_CASE("log: bearer and basic credentials and URL passwords are masked unregistered", "[core][log]") {
    rlog::clear_secrets();
    CHECK(rlog::sanitize("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x") == "Authorization: Bearer ***");
    CHECK(rlog::sanitize("authorization: basic aWQ6c2VjcmV0LXZhbHVl") == "authorization: basic ***");
    CHECK(rlog::sanitize("a basic mistake, a bearer token") == "a basic mistake, a bearer token");
    CHECK(rlog::sanitize("cannot reach https://dash:pa55word@api.example.com/x?y") ==
          "cannot reach https://dash:***@api.example.com/x?y");
    CHECK(rlog::sanitize("'http://u:p@h' and http://h:8080/") == "'http://u:***@h' and http://h:8080/");
    CHECK(rlog::sanitize("http://user@host/") == "http://user@host/");
}

TEST_CASE("log: control bytes and ANSI sequences are escaped, one line per message", "[core][log]") {
    CHECK(rlog::sanitize("a\nrtwatch: error: forged") == "a\\nrtwatch: error: forged");
    CHECK(rlog::sanitize("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m");
    CHECK(rlog::sanitize("t\tr\rdel\x7f nul") == "t\\tr\\rdel\\x7f nul");
    CHECK(rlog::sanitize(std::string_view("n\0x", 3)) == "n\\x00x");
    CHECK(rlog::sanitize("c1 \xC2\x9B"
                         "31m") == "c1 \\u009b31m");  // the 8-bit CSI
    CHECK(rlog::sanitize("caf\xC3\xA9") == "caf\xC3\xA9");
    CHECK(rlog::sanitize("bad \xE2\x82x \xFF") == "bad \\xe2\\x82x \\xff");
}

TEST_CASE("log: a long message is cut, saying how much", "[core][log]") {
    std::string big(10'000, 'x');
    auto s = rlog::sanitize(big);
    CHECK(s.size() < rlog::k_max_message + 40);
    CHECK_THAT(s, Catch::EndsWith("... [5904 more bytes cut]"));
    auto escaped = rlog::sanitize(std::string(5'000, '\x1b'));
    CHECK(escaped.size() < rlog::k_max_message + 40);
    CHECK_THAT(escaped, Catch::StartsWith("\\x1b\\x1b") && Catch::EndsWith("more bytes cut]"));
    auto json = rlog::redact_and_cap(std::string(4'095, 'x') + "\xC3\xA9" + "tail");
    CHECK_THAT(json, Catch::EndsWith(std::string(4'095, 'x') + "... [6 more bytes cut]"));
}

TEST_CASE("log: text lines are one write each, sanitized", "[core][log]") {
    Capture cap;
    rlog::add_secret("the-client-secret");
    rlog::error("server said \"{}\"", "x\nrtwatch: error: the-client-secret");
    CHECK(cap.text() == "rtwatch: error: server said \"x\\nrtwatch: error: ***\"\n");
}

TEST_CASE("log: JSON lines escape and mask too", "[core][log]") {
    rlog::Options o;
    o.format = rlog::Format::json;
    o.level = rlog::Level::debug;
    Capture cap(o);
    rlog::add_secret("the-client-secret");
    rlog::warn("a\n\x1b[1m the-client-secret");
    auto text = cap.text();
    CHECK_THAT(text, Catch::StartsWith("{\"ts\":\"") &&
                         Catch::EndsWith(",\"level\":\"warning\",\"msg\":\"a\\n\\u001b[1m ***\"}\n"));
    CHECK(text.find('\n') == text.size() - 1);
}

TEST_CASE("log: on the journal each text line carries its sd-daemon priority", "[core][log]") {
    rlog::Options o;
    o.level = rlog::Level::trace;
    o.journal_priority = true;
    Capture cap(o);
    rlog::error("e");
    rlog::warn("w");
    rlog::info("i");
    rlog::debug("d");
    rlog::trace("t");
    CHECK(cap.text() ==
          "<3>rtwatch: error: e\n<4>rtwatch: warning: w\n<6>rtwatch: info: i\n<7>rtwatch: debug: d\n"
          "<7>rtwatch: trace: t\n");
}

TEST_CASE("log: JOURNAL_STREAM is matched against the device and inode of the fd", "[core][log]") {
    std::string path_template = rtwatch::test::temp_template("rtwatch-journal");
    char* path = path_template.data();
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    struct stat st {};
    REQUIRE(::fstat(fd, &st) == 0);
    auto dev = std::to_string(static_cast<unsigned long long>(st.st_dev));
    auto ino = std::to_string(static_cast<unsigned long long>(st.st_ino));
    CHECK(rlog::is_journal_stream(dev + ":" + ino, fd));
    CHECK_FALSE(rlog::is_journal_stream(dev + ":" + ino + "1", fd));
    CHECK_FALSE(rlog::is_journal_stream("", fd));
    CHECK_FALSE(rlog::is_journal_stream(dev, fd));
    CHECK_FALSE(rlog::is_journal_stream("x:y", fd));
    CHECK_FALSE(rlog::is_journal_stream(dev + ":" + ino, -1));
    ::close(fd);
    ::unlink(path);
}
