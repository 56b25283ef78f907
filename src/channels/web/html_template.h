// A minimal HTML template renderer for the pages in web/: {{name}} is replaced by the value
// HTML-escaped, {{{name}}} by the value as is (only for HTML we rendered ourselves). An unknown
// name renders as nothing. Pure functions; thread-safe.
//
// Hand-written because the pages need nothing more than escaped substitution, and the template
// engines packaged for Debian would add a dependency for these few lines.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callgate::web {

using TemplateValues = std::vector<std::pair<std::string_view, std::string_view>>;

// Escapes & < > " ' so the text is safe in element content and in quoted attribute values.
std::string escapeHtml(std::string_view text);

std::string renderTemplate(std::string_view tmpl, const TemplateValues& values);

}  // namespace callgate::web
