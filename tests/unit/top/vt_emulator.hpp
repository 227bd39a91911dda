// A tiny terminal for the tests: cursor moves (CUP, CUF), SGR, erase in
// display and line, UTF-8 text, autowrap off. It fails the test on any
// sequence it does not know, so encode_update() cannot rely on one silently.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/top/frame.hpp"

namespace top_test {

class VtEmulator {
public:
    explicit VtEmulator(rtwatch::top::Size size) : m_screen(size) {}

    const rtwatch::top::Frame& screen() const { return m_screen; }

    void feed(std::string_view bytes) {
        std::size_t i = 0;
        while (i < bytes.size()) {
            if (bytes[i] == '\x1b')
                i = escape(bytes, i);
            else
                i = text(bytes, i);
        }
    }

private:
    std::size_t escape(std::string_view s, std::size_t i) {
        REQUIRE(i + 1 < s.size());
        REQUIRE(s[i + 1] == '[');
        std::size_t j = i + 2;
        while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';' || s[j] == '?')) ++j;
        REQUIRE(j < s.size());
        csi(std::string(s.substr(i + 2, j - i - 2)), s[j]);
        return j + 1;
    }

    static std::vector<int> numbers(const std::string& params) {
        std::vector<int> out;
        std::size_t start = 0;
        while (start <= params.size()) {
            const std::size_t end = std::min(params.find(';', start), params.size());
            out.push_back(end > start ? std::stoi(params.substr(start, end - start)) : 0);
            start = end + 1;
        }
        return out;
    }

    void csi(const std::string& params, char final) {
        if (!params.empty() && params[0] == '?') {
            REQUIRE((final == 'h' || final == 'l'));
            return;
        }
        const std::vector<int> n = numbers(params);
        switch (final) {
            case 'H':
                m_row = std::max(n[0], 1) - 1;
                m_col = n.size() > 1 ? std::max(n[1], 1) - 1 : 0;
                return;
            case 'C':
                m_col = std::min(m_col + std::max(n[0], 1), m_screen.size().cols - 1);
                return;
            case 'J':
                REQUIRE(n[0] == 2);
                m_screen = rtwatch::top::Frame(m_screen.size());
                return;
            case 'K':
                m_screen.fill(m_row, m_col, m_screen.size().cols - m_col, {});
                return;
            case 'm':
                sgr(n);
                return;
            default:
                FAIL("unexpected CSI final " << final);
        }
    }

    void sgr(const std::vector<int>& codes) {
        using rtwatch::top::Color;
        for (int code : codes) {
            switch (code) {
                case 0:
                    m_attr = {};
                    break;
                case 1:
                    m_attr.bold = true;
                    break;
                case 2:
                    m_attr.dim = true;
                    break;
                case 7:
                    m_attr.reverse = true;
                    break;
                case 31:
                    m_attr.fg = Color::red;
                    break;
                case 32:
                    m_attr.fg = Color::green;
                    break;
                case 33:
                    m_attr.fg = Color::yellow;
                    break;
                case 90:
                    m_attr.fg = Color::grey;
                    break;
                case 39:
                    m_attr.fg = Color::none;
                    break;
                default:
                    FAIL("unexpected SGR " << code);
            }
        }
    }

    std::size_t text(std::string_view s, std::size_t i) {
        const auto b = static_cast<unsigned char>(s[i]);
        const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        REQUIRE(i + n <= s.size());
        char32_t c = n == 1 ? b : b & (0x7F >> n);
        for (std::size_t k = 1; k < n; ++k) c = c << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        REQUIRE(c >= 0x20);
        REQUIRE(m_row < m_screen.size().rows);
        m_screen.at(m_row, m_col) = rtwatch::top::Cell{c, m_attr};
        if (m_col < m_screen.size().cols - 1) ++m_col;  // autowrap off: the last column is overwritten
        return i + n;
    }

    rtwatch::top::Frame m_screen;
    int m_row = 0;
    int m_col = 0;
    rtwatch::top::Attr m_attr;
};

}  // namespace top_test
