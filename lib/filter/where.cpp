// --where: a recursive-descent parser into a small tree, evaluated against
// each record without allocating. Grammar (keywords are lower case):
//   expr := and ('or' and)* ; and := unary ('and' unary)*
//   unary := 'not' unary | '(' expr ')' | NAME op (NUMBER | STRING)
// with `&&`, `||` and `!` as synonyms of and, or, not.
#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>

#include "rtwatch/filter/filter.hpp"

namespace rtwatch::filter {

enum class CmpOp { eq, ne, lt, le, gt, ge };

struct Where::Node {
    enum class Kind { and_, or_, not_, cmp };
    Kind kind = Kind::cmp;
    std::unique_ptr<const Node> left, right;  // not_ uses left only
    // cmp: NAME op literal
    CmpOp op = CmpOp::eq;
    std::string name;
    bool is_number = false;
    double number = 0;
    std::string text;
};

namespace {

using Node = Where::Node;
using NodePtr = std::unique_ptr<const Node>;
constexpr int k_max_depth = 64;

enum class Tok { end, name, number, string, op, lparen, rparen, and_, or_, not_ };

struct Token {
    Tok type = Tok::end;
    size_t pos = 0;         // 0-based offset in the expression
    std::string_view text;  // as typed
    CmpOp op = CmpOp::eq;
    std::string value;  // string: unescaped; number: digits for from_chars
};

bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

std::string unexpected(char c) {
    static const char hex[] = "0123456789ABCDEF";
    auto b = static_cast<unsigned char>(c);
    if (b > 0x20 && b < 0x7f) return std::string("unexpected '") + c + "'";
    return std::string("unexpected byte 0x") + hex[b >> 4] + hex[b & 15];
}

class Parser {
public:
    explicit Parser(std::string_view src) : m_src(src) {}

    // The tree, or nullptr with error() saying what was expected where.
    NodePtr parse() {
        if (m_src.find_first_not_of(" \t\r\n") == std::string_view::npos) {
            m_message = "--where: the expression is empty";
            return nullptr;
        }
        if (!advance()) return nullptr;
        NodePtr tree = parse_or();
        if (tree && m_tok.type != Tok::end) return fail("'and', 'or' or the end of the expression", m_tok.pos);
        return tree;
    }
    Error error() const { return make_error(ExitCode::usage, m_message); }

private:
    NodePtr fail(std::string_view expected, size_t pos) {
        if (m_failed) return nullptr;
        return fail_with("expected " + std::string(expected), pos);
    }

    NodePtr fail_with(std::string what, size_t pos) {
        m_failed = true;
        m_message = "--where: " + what + " at column " + std::to_string(pos + 1) + ": " + std::string(m_src);
        return nullptr;
    }

    NodePtr binary(Node::Kind kind, NodePtr left, NodePtr right) {
        auto node = std::make_unique<Node>();
        node->kind = kind;
        node->left = std::move(left);
        node->right = std::move(right);
        return node;
    }

    NodePtr parse_or() {
        NodePtr left = parse_and();
        while (left && m_tok.type == Tok::or_) {
            if (!advance()) return nullptr;
            NodePtr right = parse_and();
            if (!right) return nullptr;
            left = binary(Node::Kind::or_, std::move(left), std::move(right));
        }
        return left;
    }

    NodePtr parse_and() {
        NodePtr left = parse_unary();
        while (left && m_tok.type == Tok::and_) {
            if (!advance()) return nullptr;
            NodePtr right = parse_unary();
            if (!right) return nullptr;
            left = binary(Node::Kind::and_, std::move(left), std::move(right));
        }
        return left;
    }

    NodePtr parse_unary() {
        if (++m_depth > k_max_depth) return fail_with("nesting deeper than 64 levels", m_tok.pos);
        NodePtr node = parse_unary_inner();
        --m_depth;
        return node;
    }

    NodePtr parse_unary_inner() {
        switch (m_tok.type) {
            case Tok::not_: {
                if (!advance()) return nullptr;
                NodePtr inner = parse_unary();
                return inner ? binary(Node::Kind::not_, std::move(inner), nullptr) : nullptr;
            }
            case Tok::lparen: {
                if (!advance()) return nullptr;
                NodePtr inner = parse_or();
                if (!inner) return nullptr;
                if (m_tok.type != Tok::rparen) return fail("')'", m_tok.pos);
                return advance() ? std::move(inner) : nullptr;
            }
            case Tok::name:
                return parse_comparison();
            default:
                return fail("a metric name, 'not' or '('", m_tok.pos);
        }
    }

    NodePtr parse_comparison() {
        auto node = std::make_unique<Node>();
        node->name = m_tok.text;
        if (!advance()) return nullptr;
        if (m_tok.type != Tok::op)
            return fail("a comparison (==, !=, <, <=, >, >=) after '" + node->name + "'", m_tok.pos);
        node->op = m_tok.op;
        std::string op_text(m_tok.text);
        if (!advance()) return nullptr;
        if (m_tok.type != Tok::number && m_tok.type != Tok::string)
            return fail("a number or a string after '" + op_text + "'", m_tok.pos);
        node->is_number = m_tok.type == Tok::number;
        if (node->is_number)
            std::from_chars(m_tok.value.data(), m_tok.value.data() + m_tok.value.size(), node->number);
        else
            node->text = std::move(m_tok.value);
        return advance() ? std::move(node) : nullptr;
    }

    // Lexer: reads the next token into m_tok; false (with the message set)
    // on a character that cannot start a token.
    bool advance() {
        while (m_pos < m_src.size() &&
               (m_src[m_pos] == ' ' || m_src[m_pos] == '\t' || m_src[m_pos] == '\r' || m_src[m_pos] == '\n'))
            ++m_pos;
        m_tok = Token{};
        m_tok.pos = m_pos;
        if (m_pos >= m_src.size()) return true;
        char c = m_src[m_pos];
        if (name_start(c)) return lex_name();
        if (digit(c) || c == '-' || c == '+') return lex_number();
        if (c == '"' || c == '\'') return lex_string(c);
        return lex_symbol(c);
    }

    bool token(Tok type, size_t length) {
        m_tok.type = type;
        m_tok.text = m_src.substr(m_pos, length);
        m_pos += length;
        return true;
    }

    bool op(CmpOp op, size_t length) {
        m_tok.op = op;
        return token(Tok::op, length);
    }

    bool lex_symbol(char c) {
        char next = m_pos + 1 < m_src.size() ? m_src[m_pos + 1] : '\0';
        switch (c) {
            case '(':
                return token(Tok::lparen, 1);
            case ')':
                return token(Tok::rparen, 1);
            case '<':
                return next == '=' ? op(CmpOp::le, 2) : op(CmpOp::lt, 1);
            case '>':
                return next == '=' ? op(CmpOp::ge, 2) : op(CmpOp::gt, 1);
            case '!':
                return next == '=' ? op(CmpOp::ne, 2) : token(Tok::not_, 1);
            case '=':
                if (next == '=') return op(CmpOp::eq, 2);
                fail_with("unexpected '=' (compare with '==')", m_pos);
                return false;
            case '&':
                if (next == '&') return token(Tok::and_, 2);
                break;
            case '|':
                if (next == '|') return token(Tok::or_, 2);
                break;
        }
        fail_with(unexpected(c), m_pos);
        return false;
    }

    bool lex_name() {
        size_t end = m_pos;
        while (end < m_src.size() && name_char(m_src[end])) ++end;
        std::string_view word = m_src.substr(m_pos, end - m_pos);
        if (word == "and") return token(Tok::and_, 3);
        if (word == "or") return token(Tok::or_, 2);
        if (word == "not") return token(Tok::not_, 3);
        return token(Tok::name, word.size());
    }

    // JSON number syntax, with an optional leading '+'.
    bool lex_number() {
        size_t p = m_pos;
        auto digits = [&] {
            size_t start = p;
            while (p < m_src.size() && digit(m_src[p])) ++p;
            return p > start;
        };
        if (m_src[p] == '+' || m_src[p] == '-') ++p;
        bool ok = digits();
        if (ok && p < m_src.size() && m_src[p] == '.') {
            ++p;
            ok = digits();
        }
        if (ok && p < m_src.size() && (m_src[p] == 'e' || m_src[p] == 'E')) {
            ++p;
            if (p < m_src.size() && (m_src[p] == '+' || m_src[p] == '-')) ++p;
            ok = digits();
        }
        if (!ok || (p < m_src.size() && name_char(m_src[p]))) {
            fail_with("malformed number", m_pos);
            return false;
        }
        std::string_view text = m_src.substr(m_pos, p - m_pos);
        m_tok.value.assign(text.front() == '+' ? text.substr(1) : text);
        return token(Tok::number, p - m_pos);
    }

    bool lex_string(char quote) {
        size_t p = m_pos + 1;
        std::string value;
        for (; p < m_src.size() && m_src[p] != quote; ++p) {
            if (m_src[p] != '\\') {
                value.push_back(m_src[p]);
                continue;
            }
            if (++p >= m_src.size()) break;
            char e = m_src[p];
            if (e == 'n')
                value.push_back('\n');
            else if (e == 't')
                value.push_back('\t');
            else if (e == 'r')
                value.push_back('\r');
            else if (e == '\\' || e == '"' || e == '\'')
                value.push_back(e);
            else {
                fail_with("unknown escape in a string (use \\\\, \\\", \\', \\n, \\t or \\r)", p - 1);
                return false;
            }
        }
        if (p >= m_src.size()) {
            fail_with("unterminated string", m_pos);
            return false;
        }
        m_tok.value = std::move(value);
        return token(Tok::string, p + 1 - m_pos);
    }

    std::string_view m_src;
    size_t m_pos = 0;
    Token m_tok;
    int m_depth = 0;
    bool m_failed = false;
    std::string m_message;
};

template <class T>
bool compare(CmpOp op, const T& a, const T& b) {
    switch (op) {
        case CmpOp::eq:
            return a == b;
        case CmpOp::ne:
            return a != b;
        case CmpOp::lt:
            return a < b;
        case CmpOp::le:
            return a <= b;
        case CmpOp::gt:
            return a > b;
        case CmpOp::ge:
            return a >= b;
    }
    return false;
}

// A missing metric, null, a boolean or a type mismatch is simply false, so
// `not (x > 5)` holds when x is absent.
bool eval_comparison(const Node& n, const Record& record) {
    const Metric* m = record.find(n.name);
    if (!m) return false;
    if (n.is_number) return m->value.type == MetricValue::Type::number && compare(n.op, m->value.number, n.number);
    return m->value.type == MetricValue::Type::string &&
           compare(n.op, std::string_view(m->value.text), std::string_view(n.text));
}

bool eval(const Node& n, const Record& record) {
    switch (n.kind) {
        case Node::Kind::and_:
            return eval(*n.left, record) && eval(*n.right, record);
        case Node::Kind::or_:
            return eval(*n.left, record) || eval(*n.right, record);
        case Node::Kind::not_:
            return !eval(*n.left, record);
        case Node::Kind::cmp:
            return eval_comparison(n, record);
    }
    return false;
}

}  // namespace

Result<Where> Where::parse(std::string_view expression) {
    Parser parser(expression);
    NodePtr tree = parser.parse();
    if (!tree) return parser.error();
    Where where;
    where.m_root = std::move(tree);
    return where;
}

bool Where::matches(const Record& record) const { return !m_root || eval(*m_root, record); }

namespace {
void collect_names(const Where::Node* n, std::vector<std::string>& out) {
    if (!n) return;
    if (n->kind == Where::Node::Kind::cmp && std::find(out.begin(), out.end(), n->name) == out.end())
        out.push_back(n->name);
    collect_names(n->left.get(), out);
    collect_names(n->right.get(), out);
}

// A run of one operator (a or b or c) is one level, as it reads.
Where::Cost cost_of(const Where::Node* n, const Where::Node* parent) {
    if (!n) return {};
    if (n->kind == Where::Node::Kind::cmp) return {1, 1};
    const Where::Cost l = cost_of(n->left.get(), n), r = cost_of(n->right.get(), n);
    const bool same_run = parent && parent->kind == n->kind && n->kind != Where::Node::Kind::not_;
    return {l.comparisons + r.comparisons, (same_run ? 0 : 1) + std::max(l.depth, r.depth)};
}
}  // namespace

Where::Cost Where::cost() const { return cost_of(m_root.get(), nullptr); }

std::vector<std::string> Where::metric_names() const {
    std::vector<std::string> names;
    collect_names(m_root.get(), names);
    return names;
}

}  // namespace rtwatch::filter
