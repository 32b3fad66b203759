// The driver the Antimony tests call: libAntimony (2.13.4, built by scripts/build-antimony.sh)
// reads an Antimony file and writes its SBML; libSBML then runs its full consistency check on
// that SBML (units included). One JSON object on stdout says what happened.
//
//   crnnc-antimony-check model.antimony model.xml
//     →  {"ok":true,"antimonyWarnings":"","issues":[{"severity":"warning","category":"Units consistency","id":10501,"line":12,"message":"..."}]}
//   (ok false and "error" when libAntimony refuses the text; exit status 0 either way, 2 on bad usage)

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <sbml/SBMLTypes.h>

#include "antimony_api.h"

static std::string json(const std::string& s) {
  std::ostringstream o;
  o << '"';
  for (unsigned char c : s) {
    if (c == '"') o << "\\\"";
    else if (c == '\\') o << "\\\\";
    else if (c == '\n') o << "\\n";
    else if (c == '\t') o << "\\t";
    else if (c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o << b;
    } else o << c;
  }
  o << '"';
  return o.str();
}

static std::string str(const char* s) { return s ? std::string(s) : std::string(); }

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: crnnc-antimony-check MODEL.antimony OUT.xml\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  long handle = loadAntimonyString(text.str().c_str());
  if (handle < 0) {
    std::cout << "{\"ok\":false,\"error\":" << json(str(getLastError())) << "}\n";
    return 0;
  }
  std::string warnings = str(getWarnings());
  char* main = getMainModuleName();
  std::string sbml = str(getSBMLString(main));
  std::ofstream(argv[2]) << sbml;

  SBMLDocument* doc = readSBMLFromString(sbml.c_str());
  doc->setConsistencyChecks(LIBSBML_CAT_UNITS_CONSISTENCY, true);
  doc->setConsistencyChecks(LIBSBML_CAT_MODELING_PRACTICE, true);
  doc->checkConsistency();
  std::cout << "{\"ok\":true,\"antimonyWarnings\":" << json(warnings) << ",\"issues\":[";
  for (unsigned int i = 0; i < doc->getNumErrors(); i++) {
    const SBMLError* e = doc->getError(i);
    std::cout << (i ? "," : "") << "{\"severity\":" << json(e->getSeverityAsString()) << ",\"category\":" << json(e->getCategoryAsString())
              << ",\"id\":" << e->getErrorId() << ",\"line\":" << e->getLine() << ",\"message\":" << json(e->getMessage()) << "}";
  }
  std::cout << "]}\n";
  delete doc;
  return 0;
}
