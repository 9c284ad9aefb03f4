#include "format/record_visitor.h"

#include <kj/exception.h>

namespace amdrr::format {

void visit(const RecordView& view, RecordVisitor& v) {
  v.any(view);
  auto r = view.record;
  switch (r.which()) {
    case schema::Record::HEADER:
      v.header(view, r.getHeader());
      return;
    case schema::Record::END:
      v.end(view, r.getEnd());
      return;
    case schema::Record::KMD_CALL:
      v.kmd_call(view, r.getKmdCall());
      return;
    case schema::Record::DOORBELL:
      v.doorbell(view, r.getDoorbell());
      return;
    case schema::Record::MEM_WRITE:
      v.mem_write(view, r.getMemWrite());
      return;
    case schema::Record::WAIT_RESULT:
      v.wait_result(view, r.getWaitResult());
      return;
    case schema::Record::OBSERVED:
      v.observed(view, r.getObserved());
      return;
    case schema::Record::CODE_OBJECT:
      v.code_object(view, r.getCodeObject());
      return;
    case schema::Record::ANNOTATION:
      v.annotation(view, r.getAnnotation());
      return;
    case schema::Record::GPU_ERROR:
      v.gpu_error(view, r.getGpuError());
      return;
    case schema::Record::BLOB:
      v.blob(view, r.getBlob());
      return;
  }
  v.unknown(view);
}

uint64_t dispatch(TraceReader& reader, std::initializer_list<RecordVisitor*> visitors) {
  uint64_t count = 0;
  while (auto view = reader.next()) {
    bool all_done = true;
    for (RecordVisitor* v : visitors) {
      if (v->done()) continue;
      visit(*view, *v);
      all_done = all_done && v->done();
    }
    ++count;
    if (all_done) break;
  }
  return count;
}

const char* record_kind_name(schema::Record::Which which) {
  switch (which) {
    case schema::Record::HEADER:
      return "header";
    case schema::Record::END:
      return "end";
    case schema::Record::KMD_CALL:
      return "kmdCall";
    case schema::Record::DOORBELL:
      return "doorbell";
    case schema::Record::MEM_WRITE:
      return "memWrite";
    case schema::Record::WAIT_RESULT:
      return "waitResult";
    case schema::Record::OBSERVED:
      return "observed";
    case schema::Record::CODE_OBJECT:
      return "codeObject";
    case schema::Record::ANNOTATION:
      return "annotation";
    case schema::Record::GPU_ERROR:
      return "gpuError";
    case schema::Record::BLOB:
      return "blob";
  }
  return "unknown";
}

}  // namespace amdrr::format
