// The .crnn grammar as a chevrotain CST parser: no embedded actions, error recovery on, built
// once per process (`crnnParser`) and reset for each input. `grammar/crnn.ebnf` documents the
// same rules; a test keeps the two in step.
//
//   crn decay { init A = 1   A -> 0 @ k   rate k = 0.5 }

import { CstParser, LLkLookaheadStrategy, type CstNode, type ILookaheadStrategy, type IOrAlt, type IToken } from "chevrotain";
import * as T from "./tokens.js";

const MAX_LOOKAHEAD = 3;

/**
 * chevrotain's own LL(k) lookahead, but each decision's function is built the first time the
 * parser reaches that decision instead of all of them in `performSelfAnalysis` (~10–15 ms at
 * every start, most of it for constructs a given file never uses). The functions and so every
 * parse are the same; the grammar validations are the LL(k) strategy's.
 */
class LazyLookahead implements ILookaheadStrategy {
  private readonly llk = new LLkLookaheadStrategy({ maxLookahead: MAX_LOOKAHEAD });
  validate(options: Parameters<ILookaheadStrategy["validate"]>[0]) {
    return this.llk.validate(options);
  }
  buildLookaheadForAlternation(options: Parameters<ILookaheadStrategy["buildLookaheadForAlternation"]>[0]) {
    const llk = this.llk;
    let f: ((alts?: IOrAlt<unknown>[]) => number | undefined) | undefined;
    return function (this: unknown, alts?: IOrAlt<unknown>[]) {
      f ??= llk.buildLookaheadForAlternation(options);
      return f.call(this, alts);
    };
  }
  buildLookaheadForOptional(options: Parameters<ILookaheadStrategy["buildLookaheadForOptional"]>[0]) {
    const llk = this.llk;
    let f: (() => boolean) | undefined;
    return function (this: unknown) {
      f ??= llk.buildLookaheadForOptional(options);
      return f.call(this);
    };
  }
}

export class CrnnParser extends CstParser {
  /**
   * `validate`: run chevrotain's grammar validations (ambiguities, left recursion, …). They cost
   * ~100 ms at every start and can only fail when the grammar changes, so the process-wide
   * parser skips them and test/grammar.test.ts builds one with them on.
   */
  constructor(validate = false) {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: MAX_LOOKAHEAD,
      lookaheadStrategy: new LazyLookahead(),
      nodeLocationTracking: "full",
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
  }

  file = this.RULE("file", () => {
    this.MANY(() => this.SUBRULE(this.item));
  });

  item = this.RULE("item", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.constDecl) },
      { ALT: () => this.SUBRULE(this.rateDecl) },
      { ALT: () => this.SUBRULE(this.moduleDecl) },
      { ALT: () => this.SUBRULE(this.activationDecl) },
      { ALT: () => this.SUBRULE(this.crnDecl) },
      { ALT: () => this.SUBRULE(this.networkDecl) },
      { ALT: () => this.SUBRULE(this.trainDecl) },
    ]);
  });

  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.Import);
    this.OR([{ ALT: () => this.CONSUME(T.StringLit) }, { ALT: () => this.SUBRULE(this.modulePath) }]);
  });

  modulePath = this.RULE("modulePath", () => {
    this.CONSUME(T.Ident);
    this.MANY(() => {
      this.CONSUME(T.Slash);
      this.CONSUME2(T.Ident);
    });
  });

  constDecl = this.RULE("constDecl", () => {
    this.CONSUME(T.Const);
    this.CONSUME(T.Ident);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  rateDecl = this.RULE("rateDecl", () => {
    this.CONSUME(T.Rate);
    this.CONSUME(T.Ident);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  catalystDecl = this.RULE("catalystDecl", () => {
    this.CONSUME(T.Catalyst);
    this.CONSUME(T.Ident);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  requireDecl = this.RULE("requireDecl", () => {
    this.CONSUME(T.Require);
    this.SUBRULE(this.expr);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.CONSUME(T.StringLit);
    });
  });

  moduleDecl = this.RULE("moduleDecl", () => {
    this.CONSUME(T.Module);
    this.CONSUME(T.Ident);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(T.RParen);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(T.RBrace);
  });

  param = this.RULE("param", () => {
    this.OPTION(() => this.CONSUME(T.Dual));
    this.CONSUME(T.Ident);
  });

  activationDecl = this.RULE("activationDecl", () => {
    this.CONSUME(T.Activation);
    this.CONSUME(T.Ident);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.numParam) });
      this.CONSUME(T.RParen);
    });
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.moduleDecl) },
        { ALT: () => this.SUBRULE(this.rateDecl) },
        { ALT: () => this.SUBRULE(this.constDecl) },
        { ALT: () => this.SUBRULE(this.catalystDecl) },
        { ALT: () => this.SUBRULE(this.requireDecl) },
        { ALT: () => this.SUBRULE(this.closedDecl) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  closedDecl = this.RULE("closedDecl", () => {
    this.CONSUME(T.Closed);
    this.CONSUME(T.LParen);
    this.CONSUME(T.Ident);
    this.CONSUME(T.RParen);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  numParam = this.RULE("numParam", () => {
    this.CONSUME(T.Ident);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  statement = this.RULE("statement", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.localDecl) },
      { ALT: () => this.SUBRULE(this.rateDecl) },
      { ALT: () => this.SUBRULE(this.constDecl) },
      // Not allowed in a body, but parsed so the checker can say where it belongs (E0109).
      { ALT: () => this.SUBRULE(this.catalystDecl) },
      { GATE: () => this.LA(2).tokenType === T.LParen, ALT: () => this.SUBRULE(this.callStmt) },
      { ALT: () => this.SUBRULE(this.reaction) },
    ]);
  });

  localDecl = this.RULE("localDecl", () => {
    this.CONSUME(T.Local);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Ident) });
  });

  callStmt = this.RULE("callStmt", () => {
    this.CONSUME(T.Ident);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.arg) });
    this.CONSUME(T.RParen);
  });

  reaction = this.RULE("reaction", () => {
    this.SUBRULE(this.complex);
    this.CONSUME(T.Arrow);
    this.SUBRULE2(this.complex);
    this.OPTION(() => {
      this.CONSUME(T.At);
      this.SUBRULE(this.rateSpec);
    });
  });

  complex = this.RULE("complex", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Plus, DEF: () => this.SUBRULE(this.term) });
  });

  term = this.RULE("term", () => {
    this.OR([
      {
        ALT: () => {
          // A coefficient and its species share a line: `A -> 0` ends a reaction even when the
          // next line starts with a species.
          const n = this.CONSUME(T.NumberLit);
          this.OPTION({ GATE: () => this.LA(1).startLine === n.startLine, DEF: () => this.SUBRULE(this.speciesRef) });
        },
      },
      { ALT: () => this.SUBRULE2(this.speciesRef) },
    ]);
  });

  speciesRef = this.RULE("speciesRef", () => {
    this.CONSUME(T.Ident);
    this.OPTION(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Ident);
    });
  });

  rateSpec = this.RULE("rateSpec", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Rate);
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE2(this.expr) },
    ]);
  });

  crnDecl = this.RULE("crnDecl", () => {
    this.CONSUME(T.Crn);
    this.CONSUME(T.Ident);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.initDecl) }, { ALT: () => this.SUBRULE(this.statement) }]));
    this.CONSUME(T.RBrace);
  });

  initDecl = this.RULE("initDecl", () => {
    this.CONSUME(T.Init);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.initAssign) });
  });

  initAssign = this.RULE("initAssign", () => {
    this.SUBRULE(this.speciesRef);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  networkDecl = this.RULE("networkDecl", () => {
    this.CONSUME(T.Network);
    this.CONSUME(T.Ident);
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.inputDecl) },
        { ALT: () => this.SUBRULE(this.denseDecl) },
        { ALT: () => this.SUBRULE(this.rateDecl) },
        { ALT: () => this.SUBRULE(this.constDecl) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  inputDecl = this.RULE("inputDecl", () => {
    this.CONSUME(T.Input);
    this.SUBRULE(this.expr);
  });

  denseDecl = this.RULE("denseDecl", () => {
    this.CONSUME(T.Dense);
    this.SUBRULE(this.expr);
    this.CONSUME(T.Ident);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.arg) });
      this.CONSUME(T.RParen);
    });
  });

  trainDecl = this.RULE("trainDecl", () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.Ident);
    this.CONSUME(T.On);
    this.OR([{ ALT: () => this.CONSUME2(T.Ident) }, { ALT: () => this.CONSUME(T.StringLit) }]);
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR2([
        { ALT: () => this.SUBRULE(this.valueSetting) },
        { ALT: () => this.SUBRULE(this.evaluateSetting) },
        { ALT: () => this.SUBRULE(this.initSetting) },
        { ALT: () => this.SUBRULE(this.listSetting) },
        { ALT: () => this.SUBRULE(this.noiseBlock) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  valueSetting = this.RULE("valueSetting", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Eta) },
      { ALT: () => this.CONSUME(T.Period) },
      { ALT: () => this.CONSUME(T.Iterations) },
      { ALT: () => this.CONSUME(T.Split) },
      { ALT: () => this.CONSUME(T.Seed) },
      { ALT: () => this.CONSUME(T.Annihilate) },
      { ALT: () => this.CONSUME(T.Scale) },
      { ALT: () => this.CONSUME(T.Shift) },
    ]);
    this.SUBRULE(this.expr);
  });

  evaluateSetting = this.RULE("evaluateSetting", () => {
    this.CONSUME(T.Evaluate);
    this.CONSUME(T.Every);
    this.SUBRULE(this.expr);
  });

  initSetting = this.RULE("initSetting", () => {
    this.CONSUME(T.Init);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Weights) }, { ALT: () => this.CONSUME(T.Biases) }]));
    this.SUBRULE(this.expr);
  });

  listSetting = this.RULE("listSetting", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Features) }, { ALT: () => this.CONSUME(T.Targets) }]);
    this.SUBRULE(this.nameList);
  });

  noiseBlock = this.RULE("noiseBlock", () => {
    this.CONSUME(T.Noise);
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.noiseSetting) },
        {
          ALT: () => {
            this.CONSUME(T.On);
            this.SUBRULE(this.nameList);
          },
        },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  noiseSetting = this.RULE("noiseSetting", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Epsilon) }, { ALT: () => this.CONSUME(T.Resample) }, { ALT: () => this.CONSUME(T.Hold) }]);
    this.SUBRULE(this.expr);
  });

  nameList = this.RULE("nameList", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Ident) });
  });

  arg = this.RULE("arg", () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Colon,
      DEF: () => {
        this.CONSUME(T.Ident);
        this.CONSUME(T.Colon);
      },
    });
    this.SUBRULE(this.expr);
  });

  expr = this.RULE("expr", () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Lt) },
        { ALT: () => this.CONSUME(T.Le) },
        { ALT: () => this.CONSUME(T.Gt) },
        { ALT: () => this.CONSUME(T.Ge) },
        { ALT: () => this.CONSUME(T.EqEq) },
      ]);
      this.SUBRULE2(this.additive);
    });
  });

  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  power = this.RULE("power", () => {
    this.SUBRULE(this.primary);
    this.OPTION(() => {
      this.CONSUME(T.Caret);
      this.SUBRULE(this.unary);
    });
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLit) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Ident);
          this.OPTION(() =>
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(T.Dot);
                  this.CONSUME2(T.Ident);
                },
              },
              {
                ALT: () => {
                  this.CONSUME2(T.LParen);
                  this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.arg) });
                  this.CONSUME2(T.RParen);
                },
              },
            ]),
          );
        },
      },
    ]);
  });
}

/** The single parser instance: chevrotain parsers are expensive to build and cheap to reuse. */
export const crnnParser = new CrnnParser();

export interface CstResult {
  cst: CstNode;
  /** `prepare` refused the input (nesting too deep): nothing was parsed. */
  tooDeep: boolean;
  tokens: IToken[];
  comments: IToken[];
  lexErrors: { offset: number; line: number; column: number; length: number; message: string }[];
  parseErrors: { token: IToken; message: string; ruleStack: string[] }[];
}

/** Lex and parse; `prepare` sees the tokens first and may veto parsing (returning false). */
export function parseCst(text: string, prepare?: (tokens: IToken[]) => boolean): CstResult {
  const lex = T.crnnLexer.tokenize(text);
  const tooDeep = prepare ? !prepare(lex.tokens) : false;
  crnnParser.input = tooDeep ? [] : lex.tokens;
  const cst = crnnParser.file();
  return {
    cst,
    tooDeep,
    tokens: lex.tokens,
    comments: (lex.groups["comments"] ?? []) as IToken[],
    lexErrors: lex.errors.map((e) => ({
      offset: e.offset,
      line: e.line ?? 1,
      column: e.column ?? 1,
      length: e.length,
      message: e.message,
    })),
    parseErrors: crnnParser.errors.map((e) => ({
      token: e.token,
      message: e.message,
      ruleStack: e.context.ruleStack,
    })),
  };
}

/** Rule names of the parser, for the EBNF drift test. */
export function parserRuleNames(): string[] {
  return Object.keys(crnnParser.getGAstProductions());
}
