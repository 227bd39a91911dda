// Writer against real files, /dev/full and pipes: appends, reopen after a
// rename, disk full, a reader that went away, and non-blocking stdout.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "rtwatch/output/ndjson.hpp"

using rtwatch::output::Writer;

namespace {

// A fresh directory under TMPDIR, removed with its files at the end.
struct TempDir {
    std::string path;
    TempDir() {
        std::string tmpl = (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + std::string("/rtwatch-XXXXXX");
        path = ::mkdtemp(tmpl.data()) ? tmpl : "";
        REQUIRE(!path.empty());
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
    std::string file(const char* name) const { return path + "/" + name; }
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Writer open_file(const std::string& path) {
    auto w = Writer::open_file(path);
    INFO(path);
    REQUIRE(w.ok());
    return std::move(w).value();
}

}  // namespace

TEST_CASE("writer: a file is created with mode 0644 and written on flush", "[output]") {
    TempDir dir;
    auto w = open_file(dir.file("out.ndjson"));
    CHECK(w.path() == dir.file("out.ndjson"));
    w.buffer() = "line 1\n";
    CHECK(slurp(dir.file("out.ndjson")).empty());
    CHECK(w.flush() == Writer::Status::ok);
    CHECK(w.buffer().empty());
    CHECK(slurp(dir.file("out.ndjson")) == "line 1\n");
    struct stat st {};
    REQUIRE(::stat(dir.file("out.ndjson").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == (0644 & ~[] {
              mode_t m = ::umask(0);
              ::umask(m);
              return m;
          }()));
}

TEST_CASE("writer: an existing file is appended to, never truncated", "[output]") {
    TempDir dir;
    { std::ofstream(dir.file("out.ndjson")) << "old\n"; }
    auto w = open_file(dir.file("out.ndjson"));
    w.buffer() = "new 1\n";
    CHECK(w.flush() == Writer::Status::ok);
    auto w2 = open_file(dir.file("out.ndjson"));
    w2.buffer() = "other writer\n";
    CHECK(w2.flush() == Writer::Status::ok);
    w.buffer() = "new 2\n";
    CHECK(w.flush() == Writer::Status::ok);
    CHECK(slurp(dir.file("out.ndjson")) == "old\nnew 1\nother writer\nnew 2\n");
}

TEST_CASE("writer: an unopenable file names the path, the reason and the fix", "[output]") {
    TempDir dir;
    auto w = Writer::open_file(dir.file("missing/out.ndjson"));
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().code == rtwatch::ExitCode::output);
    CHECK(w.error().message == "cannot open output file '" + dir.file("missing/out.ndjson") +
                                   "': No such file or directory; check that its directory exists and is "
                                   "writable, or choose another file with -o");
}

TEST_CASE("writer: reopen after a rename writes to a new file at the old path", "[output]") {
    TempDir dir;
    auto w = open_file(dir.file("out.ndjson"));
    w.buffer() = "before rotation\n";
    REQUIRE(w.flush() == Writer::Status::ok);
    REQUIRE(std::rename(dir.file("out.ndjson").c_str(), dir.file("out.ndjson.1").c_str()) == 0);
    w.buffer() = "still old\n";
    REQUIRE(w.flush() == Writer::Status::ok);
    REQUIRE(w.reopen().ok());
    w.buffer() = "after rotation\n";
    REQUIRE(w.flush() == Writer::Status::ok);
    CHECK(slurp(dir.file("out.ndjson.1")) == "before rotation\nstill old\n");
    CHECK(slurp(dir.file("out.ndjson")) == "after rotation\n");
}

TEST_CASE("writer: a failed reopen keeps writing to the old file", "[output]") {
    TempDir dir;
    REQUIRE(::mkdir(dir.file("sub").c_str(), 0755) == 0);
    auto w = open_file(dir.file("sub/out.ndjson"));
    REQUIRE(std::rename(dir.file("sub").c_str(), dir.file("moved").c_str()) == 0);
    auto r = w.reopen();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("No such file or directory") != std::string::npos);
    w.buffer() = "kept\n";
    CHECK(w.flush() == Writer::Status::ok);
    CHECK(slurp(dir.file("moved/out.ndjson")) == "kept\n");
}

TEST_CASE("writer: a full disk is a failure that says so", "[output]") {
    auto w = open_file("/dev/full");
    w.buffer() = "line\n";
    CHECK(w.flush() == Writer::Status::failed);
    CHECK(w.error() == "writing to /dev/full: No space left on device");
    CHECK(w.buffer() == "line\n");
}

TEST_CASE("writer: a reader that went away is reported as closed", "[output]") {
    ::signal(SIGPIPE, SIG_IGN);  // as the application does
    int p[2];
    REQUIRE(::pipe(p) == 0);
    auto w = open_file("/dev/fd/" + std::to_string(p[1]));
    ::close(p[1]);
    ::close(p[0]);
    w.buffer() = "line\n";
    CHECK(w.flush() == Writer::Status::closed);
    CHECK(w.error() == "writing to /dev/fd/" + std::to_string(p[1]) + ": Broken pipe");
}

TEST_CASE("writer: flushing an empty buffer writes nothing and succeeds", "[output]") {
    auto w = open_file("/dev/full");
    CHECK(w.flush() == Writer::Status::ok);
    CHECK(w.error().empty());
}

TEST_CASE("writer: a moved-from writer does not close the file of the new owner", "[output]") {
    TempDir dir;
    auto a = open_file(dir.file("out.ndjson"));
    Writer b = std::move(a);
    {
        Writer c = open_file(dir.file("other.ndjson"));
        c = std::move(b);
        c.buffer() = "via c\n";
        CHECK(c.flush() == Writer::Status::ok);
    }
    CHECK(slurp(dir.file("out.ndjson")) == "via c\n");
}

TEST_CASE("writer: stdout gets every byte of a large buffer through a slow non-blocking pipe", "[output]") {
    int p[2];
    REQUIRE(::pipe2(p, O_NONBLOCK) == 0);
    std::string expected;
    for (int i = 0; expected.size() < 4 * 1024 * 1024; ++i) expected += "{\"line\":" + std::to_string(i) + "}\n";
    std::string received;
    std::thread reader([&] {
        ::fcntl(p[0], F_SETFL, 0);
        char buf[4096];  // small reads keep the pipe full, so writes come up short or with EAGAIN
        ssize_t n;
        while ((n = ::read(p[0], buf, sizeof buf)) > 0) received.append(buf, static_cast<size_t>(n));
    });
    int saved = ::dup(STDOUT_FILENO);
    std::fflush(stdout);
    ::dup2(p[1], STDOUT_FILENO);
    ::close(p[1]);
    Writer::Status status;
    std::string path;
    {
        auto w = Writer::open_stdout().value();
        path = w.path();
        w.buffer() = expected;
        status = w.flush();
    }
    ::dup2(saved, STDOUT_FILENO);  // also closes the pipe's last write end: the reader sees EOF
    ::close(saved);
    reader.join();
    ::close(p[0]);
    CHECK(status == Writer::Status::ok);
    CHECK(path.empty());
    CHECK(received.size() == expected.size());
    CHECK(received == expected);
    CHECK(::fcntl(STDOUT_FILENO, F_GETFD) != -1);  // the writer did not close fd 1
}
