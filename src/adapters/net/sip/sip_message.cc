#include "adapters/net/sip/sip_message.h"

#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "adapters/net/sip/osip_init.h"

namespace callgate::sip {
namespace {

std::string_view view(const char* s) { return s == nullptr ? std::string_view() : s; }

// Takes ownership of an osip2-allocated string.
std::string adopt(char* s) {
  if (s == nullptr) return {};
  std::string out(s);
  osip_free(s);
  return out;
}

osip_generic_param_t* param(osip_list_t* list, const char* name) {
  osip_generic_param_t* p = nullptr;
  if (osip_uri_param_get_byname(list, const_cast<char*>(name), &p) != 0) return nullptr;
  return p;
}

osip_via_t* topVia(osip_message* m) {
  if (m == nullptr) return nullptr;
  return static_cast<osip_via_t*>(osip_list_get(&m->vias, 0));
}

char* dup(std::string_view s) {
  char* out = static_cast<char*>(osip_malloc(s.size() + 1));
  if (out == nullptr) return nullptr;
  s.copy(out, s.size());
  out[s.size()] = '\0';
  return out;
}

const char* defaultReason(int status) {
  switch (status) {
    case 100:
      return "Trying";
    case 180:
      return "Ringing";
    case 183:
      return "Session Progress";
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 480:
      return "Temporarily Unavailable";
    case 481:
      return "Call/Transaction Does Not Exist";
    case 482:
      return "Loop Detected";
    case 486:
      return "Busy Here";
    case 487:
      return "Request Terminated";
    case 488:
      return "Not Acceptable Here";
    case 491:
      return "Request Pending";
    case 500:
      return "Server Internal Error";
    case 503:
      return "Service Unavailable";
    case 603:
      return "Decline";
    default:
      break;
  }
  if (status < 200) return "Session Progress";
  if (status < 300) return "OK";
  if (status < 500) return "Client Error";
  if (status < 600) return "Server Error";
  return "Global Failure";
}

}  // namespace

void SipMessage::Deleter::operator()(osip_message* m) const { osip_message_free(m); }

Result<SipMessage> SipMessage::parse(std::string_view bytes) {
  ensureOsipInitialized();
  osip_message_t* m = nullptr;
  if (osip_message_init(&m) != 0) return Error::internal("osip_message_init failed");
  SipMessage msg(m);
  if (bytes.empty() || osip_message_parse(m, bytes.data(), bytes.size()) != 0) {
    return Error::invalidArgument("unparseable SIP message");
  }
  if (m->sip_version == nullptr || view(m->sip_version) != "SIP/2.0") {
    return Error::invalidArgument("not SIP/2.0");
  }
  return msg;
}

SipMessage SipMessage::responseTo(const SipMessage& request, int status, std::string_view reason) {
  ensureOsipInitialized();
  osip_message_t* m = nullptr;
  osip_message_init(&m);
  SipMessage out(m);
  osip_message_set_version(m, osip_strdup("SIP/2.0"));
  osip_message_set_status_code(m, status);
  osip_message_set_reason_phrase(m,
                                 reason.empty() ? osip_strdup(defaultReason(status)) : dup(reason));
  const osip_message* req = request.msg_.get();
  if (req == nullptr) return out;
  for (int i = 0; i < osip_list_size(&req->vias); ++i) {
    osip_via_t* copy = nullptr;
    auto* via = static_cast<const osip_via_t*>(osip_list_get(&req->vias, i));
    if (osip_via_clone(via, &copy) == 0) osip_list_add(&m->vias, copy, -1);
  }
  if (req->from != nullptr) osip_from_clone(req->from, &m->from);
  if (req->to != nullptr) osip_to_clone(req->to, &m->to);
  if (req->call_id != nullptr) osip_call_id_clone(req->call_id, &m->call_id);
  if (req->cseq != nullptr) osip_cseq_clone(req->cseq, &m->cseq);
  return out;
}

Result<SipMessage> SipMessage::request(std::string_view method, std::string_view requestUri) {
  ensureOsipInitialized();
  osip_message_t* m = nullptr;
  if (osip_message_init(&m) != 0) return Error::internal("osip_message_init failed");
  SipMessage out(m);
  osip_uri_t* uri = nullptr;
  osip_uri_init(&uri);
  std::string text(requestUri);
  if (osip_uri_parse(uri, text.c_str()) != 0 || uri->scheme == nullptr) {
    osip_uri_free(uri);
    return Error::invalidArgument("bad request URI");
  }
  osip_message_set_uri(m, uri);
  osip_message_set_method(m, dup(method));
  osip_message_set_version(m, osip_strdup("SIP/2.0"));
  return out;
}

bool SipMessage::isRequest() const { return msg_ && msg_->sip_method != nullptr; }
std::string_view SipMessage::method() const { return msg_ ? view(msg_->sip_method) : ""; }
int SipMessage::status() const { return msg_ && !isRequest() ? msg_->status_code : 0; }

std::string SipMessage::requestUri() const {
  if (!msg_ || msg_->req_uri == nullptr) return {};
  char* s = nullptr;
  osip_uri_to_str(msg_->req_uri, &s);
  return adopt(s);
}

std::string SipMessage::requestUriUser() const {
  if (!msg_ || msg_->req_uri == nullptr) return {};
  const osip_uri_t* u = msg_->req_uri;
  if (u->username != nullptr)
    return std::string(view(u->username).substr(0, view(u->username).find(';')));
  if (u->string != nullptr)
    return std::string(view(u->string).substr(0, view(u->string).find(';')));
  return {};
}

bool SipMessage::hasMandatoryHeaders() const {
  if (!msg_) return false;
  const osip_via_t* via = topVia(msg_.get());
  return via != nullptr && via->host != nullptr && msg_->from != nullptr &&
         msg_->from->url != nullptr && msg_->to != nullptr && msg_->to->url != nullptr &&
         msg_->call_id != nullptr && msg_->call_id->number != nullptr && msg_->cseq != nullptr &&
         msg_->cseq->number != nullptr && msg_->cseq->method != nullptr;
}

std::string SipMessage::callId() const {
  if (!msg_ || msg_->call_id == nullptr) return {};
  std::string id(view(msg_->call_id->number));
  if (msg_->call_id->host != nullptr) id.append("@").append(msg_->call_id->host);
  return id;
}

std::string_view SipMessage::fromTag() const {
  if (!msg_ || msg_->from == nullptr) return {};
  osip_generic_param_t* p = param(&msg_->from->gen_params, "tag");
  return p ? view(p->gvalue) : std::string_view();
}

std::string_view SipMessage::toTag() const {
  if (!msg_ || msg_->to == nullptr) return {};
  osip_generic_param_t* p = param(&msg_->to->gen_params, "tag");
  return p ? view(p->gvalue) : std::string_view();
}

uint32_t SipMessage::cseq() const {
  if (!msg_ || msg_->cseq == nullptr) return 0;
  std::string_view n = view(msg_->cseq->number);
  uint32_t v = 0;
  std::from_chars(n.data(), n.data() + n.size(), v);
  return v;
}

std::string_view SipMessage::cseqMethod() const {
  return msg_ && msg_->cseq ? view(msg_->cseq->method) : std::string_view();
}

std::string SipMessage::fromHeader() const {
  if (!msg_ || msg_->from == nullptr) return {};
  char* s = nullptr;
  osip_from_to_str(msg_->from, &s);
  return adopt(s);
}

std::string SipMessage::toHeader() const {
  if (!msg_ || msg_->to == nullptr) return {};
  char* s = nullptr;
  osip_to_to_str(msg_->to, &s);
  return adopt(s);
}

std::string SipMessage::contactUri() const {
  if (!msg_) return {};
  auto* c = static_cast<osip_contact_t*>(osip_list_get(&msg_->contacts, 0));
  if (c == nullptr || c->url == nullptr) return {};
  char* s = nullptr;
  osip_uri_to_str(c->url, &s);
  return adopt(s);
}

std::vector<std::string> SipMessage::recordRoutes() const {
  std::vector<std::string> out;
  if (!msg_) return out;
  for (int i = 0; i < osip_list_size(&msg_->record_routes); ++i) {
    char* s = nullptr;
    osip_from_to_str(static_cast<osip_from_t*>(osip_list_get(&msg_->record_routes, i)), &s);
    if (s != nullptr) out.push_back(adopt(s));
  }
  return out;
}

std::string_view SipMessage::viaBranch() const {
  osip_via_t* via = topVia(msg_.get());
  if (via == nullptr) return {};
  osip_generic_param_t* p = param(&via->via_params, "branch");
  return p ? view(p->gvalue) : std::string_view();
}

std::string_view SipMessage::viaHost() const {
  osip_via_t* via = topVia(msg_.get());
  return via ? view(via->host) : std::string_view();
}

uint16_t SipMessage::viaPort() const {
  osip_via_t* via = topVia(msg_.get());
  if (via == nullptr || via->port == nullptr) return 5060;
  std::string_view p = via->port;
  unsigned v = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (ec != std::errc() || end != p.data() + p.size() || v == 0 || v > 65535) return 5060;
  return static_cast<uint16_t>(v);
}

bool SipMessage::viaHasRport() const {
  osip_via_t* via = topVia(msg_.get());
  return via != nullptr && param(&via->via_params, "rport") != nullptr;
}

void SipMessage::stampTopVia(std::string_view sourceIp, uint16_t sourcePort) {
  osip_via_t* via = topVia(msg_.get());
  if (via == nullptr) return;
  if (view(via->host) != sourceIp) {
    if (osip_generic_param_t* r = param(&via->via_params, "received")) {
      osip_free(r->gvalue);
      r->gvalue = dup(sourceIp);
    } else {
      osip_uri_param_add(&via->via_params, osip_strdup("received"), dup(sourceIp));
    }
  }
  if (osip_generic_param_t* r = param(&via->via_params, "rport")) {
    osip_free(r->gvalue);
    r->gvalue = dup(std::to_string(sourcePort));
  }
}

std::string SipMessage::header(std::string_view name) const {
  if (!msg_) return {};
  osip_header_t* h = nullptr;
  std::string n(name);
  if (osip_message_header_get_byname(msg_.get(), n.c_str(), 0, &h) < 0 || h == nullptr) return {};
  return std::string(view(h->hvalue));
}

std::string_view SipMessage::body() const {
  if (!msg_) return {};
  auto* b = static_cast<osip_body_t*>(osip_list_get(&msg_->bodies, 0));
  if (b == nullptr || b->body == nullptr) return {};
  return std::string_view(b->body, b->length);
}

bool SipMessage::bodyIsSdp() const {
  if (!msg_) return false;
  const osip_content_type_t* ct = msg_->content_type;
  if (ct == nullptr) return !body().empty();
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return out;
  };
  return lower(view(ct->type)) == "application" && lower(view(ct->subtype)) == "sdp";
}

void SipMessage::setToTag(std::string_view tag) {
  if (!msg_ || msg_->to == nullptr || !toTag().empty()) return;
  osip_uri_param_add(&msg_->to->gen_params, osip_strdup("tag"), dup(tag));
}

void SipMessage::addHeader(std::string_view name, std::string_view value) {
  if (!msg_) return;
  std::string n(name), v(value);
  osip_message_set_header(msg_.get(), n.c_str(), v.c_str());
}

Status SipMessage::setParsedHeader(std::string_view name, std::string_view value) {
  if (!msg_) return Error::internal("no message");
  std::string v(value);
  osip_message* m = msg_.get();
  int rc = -1;
  if (name == "Via")
    rc = osip_message_set_via(m, v.c_str());
  else if (name == "From")
    rc = osip_message_set_from(m, v.c_str());
  else if (name == "To")
    rc = osip_message_set_to(m, v.c_str());
  else if (name == "Call-ID")
    rc = osip_message_set_call_id(m, v.c_str());
  else if (name == "CSeq")
    rc = osip_message_set_cseq(m, v.c_str());
  else if (name == "Route")
    rc = osip_message_set_route(m, v.c_str());
  else if (name == "Contact")
    rc = osip_message_set_contact(m, v.c_str());
  if (rc != 0) return Error::invalidArgument("bad " + std::string(name) + " header");
  return okStatus();
}

void SipMessage::setBody(std::string_view contentType, std::string_view body) {
  if (!msg_) return;
  std::string ct(contentType);
  osip_message_set_body(msg_.get(), body.data(), body.size());
  osip_message_set_content_type(msg_.get(), ct.c_str());
}

void SipMessage::copyRecordRoutes(const SipMessage& from) {
  if (!msg_ || !from.msg_) return;
  for (int i = 0; i < osip_list_size(&from.msg_->record_routes); ++i) {
    osip_from_t* copy = nullptr;
    auto* rr = static_cast<const osip_from_t*>(osip_list_get(&from.msg_->record_routes, i));
    if (osip_from_clone(rr, &copy) == 0) osip_list_add(&msg_->record_routes, copy, -1);
  }
}

std::string SipMessage::toString() const {
  if (!msg_) return {};
  char* s = nullptr;
  size_t len = 0;
  if (osip_message_to_str(msg_.get(), &s, &len) != 0 || s == nullptr) return {};
  std::string out(s, len);
  osip_free(s);
  return out;
}

}  // namespace callgate::sip
