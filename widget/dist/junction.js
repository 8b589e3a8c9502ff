var le=Object.defineProperty;var ue=(s,t,e)=>t in s?le(s,t,{enumerable:!0,configurable:!0,writable:!0,value:e}):s[t]=e;var rt=(s,t,e)=>ue(s,typeof t!="symbol"?t+"":t,e);var V=globalThis,F=V.ShadowRoot&&(V.ShadyCSS===void 0||V.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,at=Symbol(),xt=new WeakMap,M=class{constructor(t,e,n){if(this._$cssResult$=!0,n!==at)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(F&&t===void 0){let n=e!==void 0&&e.length===1;n&&(t=xt.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),n&&xt.set(e,t))}return t}toString(){return this.cssText}},kt=s=>new M(typeof s=="string"?s:s+"",void 0,at),K=(s,...t)=>{let e=s.length===1?s[0]:t.reduce((n,i,o)=>n+(r=>{if(r._$cssResult$===!0)return r.cssText;if(typeof r=="number")return r;throw Error("Value passed to 'css' function must be a 'css' function result: "+r+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(i)+s[o+1],s[0]);return new M(e,s,at)},Et=(s,t)=>{if(F)s.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let n=document.createElement("style"),i=V.litNonce;i!==void 0&&n.setAttribute("nonce",i),n.textContent=e.cssText,s.appendChild(n)}},ct=F?s=>s:s=>s instanceof CSSStyleSheet?(t=>{let e="";for(let n of t.cssRules)e+=n.cssText;return kt(e)})(s):s;var{is:de,defineProperty:pe,getOwnPropertyDescriptor:he,getOwnPropertyNames:me,getOwnPropertySymbols:fe,getPrototypeOf:ge}=Object,W=globalThis,St=W.trustedTypes,$e=St?St.emptyScript:"",be=W.reactiveElementPolyfillSupport,L=(s,t)=>s,lt={toAttribute(s,t){switch(t){case Boolean:s=s?$e:null;break;case Object:case Array:s=s==null?s:JSON.stringify(s)}return s},fromAttribute(s,t){let e=s;switch(t){case Boolean:e=s!==null;break;case Number:e=s===null?null:Number(s);break;case Object:case Array:try{e=JSON.parse(s)}catch{e=null}}return e}},Tt=(s,t)=>!de(s,t),Ct={attribute:!0,type:String,converter:lt,reflect:!1,useDefault:!1,hasChanged:Tt};Symbol.metadata??=Symbol("metadata"),W.litPropertyMetadata??=new WeakMap;var y=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=Ct){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let n=Symbol(),i=this.getPropertyDescriptor(t,n,e);i!==void 0&&pe(this.prototype,t,i)}}static getPropertyDescriptor(t,e,n){let{get:i,set:o}=he(this.prototype,t)??{get(){return this[e]},set(r){this[e]=r}};return{get:i,set(r){let c=i?.call(this);o?.call(this,r),this.requestUpdate(t,c,n)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??Ct}static _$Ei(){if(this.hasOwnProperty(L("elementProperties")))return;let t=ge(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(L("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(L("properties"))){let e=this.properties,n=[...me(e),...fe(e)];for(let i of n)this.createProperty(i,e[i])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[n,i]of e)this.elementProperties.set(n,i)}this._$Eh=new Map;for(let[e,n]of this.elementProperties){let i=this._$Eu(e,n);i!==void 0&&this._$Eh.set(i,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let n=new Set(t.flat(1/0).reverse());for(let i of n)e.unshift(ct(i))}else t!==void 0&&e.push(ct(t));return e}static _$Eu(t,e){let n=e.attribute;return n===!1?void 0:typeof n=="string"?n:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let n of e.keys())this.hasOwnProperty(n)&&(t.set(n,this[n]),delete this[n]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return Et(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,n){this._$AK(t,n)}_$ET(t,e){let n=this.constructor.elementProperties.get(t),i=this.constructor._$Eu(t,n);if(i!==void 0&&n.reflect===!0){let o=(n.converter?.toAttribute!==void 0?n.converter:lt).toAttribute(e,n.type);this._$Em=t,o==null?this.removeAttribute(i):this.setAttribute(i,o),this._$Em=null}}_$AK(t,e){let n=this.constructor,i=n._$Eh.get(t);if(i!==void 0&&this._$Em!==i){let o=n.getPropertyOptions(i),r=typeof o.converter=="function"?{fromAttribute:o.converter}:o.converter?.fromAttribute!==void 0?o.converter:lt;this._$Em=i;let c=r.fromAttribute(e,o.type);this[i]=c??this._$Ej?.get(i)??c,this._$Em=null}}requestUpdate(t,e,n,i=!1,o){if(t!==void 0){let r=this.constructor;if(i===!1&&(o=this[t]),n??=r.getPropertyOptions(t),!((n.hasChanged??Tt)(o,e)||n.useDefault&&n.reflect&&o===this._$Ej?.get(t)&&!this.hasAttribute(r._$Eu(t,n))))return;this.C(t,e,n)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:n,reflect:i,wrapped:o},r){n&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,r??e??this[t]),o!==!0||r!==void 0)||(this._$AL.has(t)||(this.hasUpdated||n||(e=void 0),this._$AL.set(t,e)),i===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[i,o]of this._$Ep)this[i]=o;this._$Ep=void 0}let n=this.constructor.elementProperties;if(n.size>0)for(let[i,o]of n){let{wrapped:r}=o,c=this[i];r!==!0||this._$AL.has(i)||c===void 0||this.C(i,void 0,o,c)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(n=>n.hostUpdate?.()),this.update(e)):this._$EM()}catch(n){throw t=!1,this._$EM(),n}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};y.elementStyles=[],y.shadowRootOptions={mode:"open"},y[L("elementProperties")]=new Map,y[L("finalized")]=new Map,be?.({ReactiveElement:y}),(W.reactiveElementVersions??=[]).push("2.1.2");var dt=globalThis,jt=s=>s,J=dt.trustedTypes,Rt=J?J.createPolicy("lit-html",{createHTML:s=>s}):void 0,pt="$lit$",_=`lit$${Math.random().toFixed(9).slice(2)}$`,ht="?"+_,we=`<${ht}>`,S=document,I=()=>S.createComment(""),H=s=>s===null||typeof s!="object"&&typeof s!="function",mt=Array.isArray,Mt=s=>mt(s)||typeof s?.[Symbol.iterator]=="function",ut=`[ 	
\f\r]`,D=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,Ot=/-->/g,qt=/>/g,k=RegExp(`>|${ut}(?:([^\\s"'>=/]+)(${ut}*=${ut}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),Pt=/'/g,Nt=/"/g,Lt=/^(?:script|style|textarea|title)$/i,ft=s=>(t,...e)=>({_$litType$:s,strings:t,values:e}),a=ft(1),Fe=ft(2),Ke=ft(3),b=Symbol.for("lit-noChange"),u=Symbol.for("lit-nothing"),Ut=new WeakMap,E=S.createTreeWalker(S,129);function Dt(s,t){if(!mt(s)||!s.hasOwnProperty("raw"))throw Error("invalid template strings array");return Rt!==void 0?Rt.createHTML(t):t}var It=(s,t)=>{let e=s.length-1,n=[],i,o=t===2?"<svg>":t===3?"<math>":"",r=D;for(let c=0;c<e;c++){let l=s[c],d,p,m=-1,h=0;for(;h<l.length&&(r.lastIndex=h,p=r.exec(l),p!==null);)h=r.lastIndex,r===D?p[1]==="!--"?r=Ot:p[1]!==void 0?r=qt:p[2]!==void 0?(Lt.test(p[2])&&(i=RegExp("</"+p[2],"g")),r=k):p[3]!==void 0&&(r=k):r===k?p[0]===">"?(r=i??D,m=-1):p[1]===void 0?m=-2:(m=r.lastIndex-p[2].length,d=p[1],r=p[3]===void 0?k:p[3]==='"'?Nt:Pt):r===Nt||r===Pt?r=k:r===Ot||r===qt?r=D:(r=k,i=void 0);let f=r===k&&s[c+1].startsWith("/>")?" ":"";o+=r===D?l+we:m>=0?(n.push(d),l.slice(0,m)+pt+l.slice(m)+_+f):l+_+(m===-2?c:f)}return[Dt(s,o+(s[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),n]},B=class s{constructor({strings:t,_$litType$:e},n){let i;this.parts=[];let o=0,r=0,c=t.length-1,l=this.parts,[d,p]=It(t,e);if(this.el=s.createElement(d,n),E.currentNode=this.el.content,e===2||e===3){let m=this.el.content.firstChild;m.replaceWith(...m.childNodes)}for(;(i=E.nextNode())!==null&&l.length<c;){if(i.nodeType===1){if(i.hasAttributes())for(let m of i.getAttributeNames())if(m.endsWith(pt)){let h=p[r++],f=i.getAttribute(m).split(_),$=/([.?@])?(.*)/.exec(h);l.push({type:1,index:o,name:$[2],strings:f,ctor:$[1]==="."?Y:$[1]==="?"?Q:$[1]==="@"?Z:T}),i.removeAttribute(m)}else m.startsWith(_)&&(l.push({type:6,index:o}),i.removeAttribute(m));if(Lt.test(i.tagName)){let m=i.textContent.split(_),h=m.length-1;if(h>0){i.textContent=J?J.emptyScript:"";for(let f=0;f<h;f++)i.append(m[f],I()),E.nextNode(),l.push({type:2,index:++o});i.append(m[h],I())}}}else if(i.nodeType===8)if(i.data===ht)l.push({type:2,index:o});else{let m=-1;for(;(m=i.data.indexOf(_,m+1))!==-1;)l.push({type:7,index:o}),m+=_.length-1}o++}}static createElement(t,e){let n=S.createElement("template");return n.innerHTML=t,n}};function C(s,t,e=s,n){if(t===b)return t;let i=n!==void 0?e._$Co?.[n]:e._$Cl,o=H(t)?void 0:t._$litDirective$;return i?.constructor!==o&&(i?._$AO?.(!1),o===void 0?i=void 0:(i=new o(s),i._$AT(s,e,n)),n!==void 0?(e._$Co??=[])[n]=i:e._$Cl=i),i!==void 0&&(t=C(s,i._$AS(s,t.values),i,n)),t}var G=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:n}=this._$AD,i=(t?.creationScope??S).importNode(e,!0);E.currentNode=i;let o=E.nextNode(),r=0,c=0,l=n[0];for(;l!==void 0;){if(r===l.index){let d;l.type===2?d=new O(o,o.nextSibling,this,t):l.type===1?d=new l.ctor(o,l.name,l.strings,this,t):l.type===6&&(d=new X(o,this,t)),this._$AV.push(d),l=n[++c]}r!==l?.index&&(o=E.nextNode(),r++)}return E.currentNode=S,i}p(t){let e=0;for(let n of this._$AV)n!==void 0&&(n.strings!==void 0?(n._$AI(t,n,e),e+=n.strings.length-2):n._$AI(t[e])),e++}},O=class s{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,n,i){this.type=2,this._$AH=u,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=n,this.options=i,this._$Cv=i?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=C(this,t,e),H(t)?t===u||t==null||t===""?(this._$AH!==u&&this._$AR(),this._$AH=u):t!==this._$AH&&t!==b&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):Mt(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==u&&H(this._$AH)?this._$AA.nextSibling.data=t:this.T(S.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:n}=t,i=typeof n=="number"?this._$AC(t):(n.el===void 0&&(n.el=B.createElement(Dt(n.h,n.h[0]),this.options)),n);if(this._$AH?._$AD===i)this._$AH.p(e);else{let o=new G(i,this),r=o.u(this.options);o.p(e),this.T(r),this._$AH=o}}_$AC(t){let e=Ut.get(t.strings);return e===void 0&&Ut.set(t.strings,e=new B(t)),e}k(t){mt(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,n,i=0;for(let o of t)i===e.length?e.push(n=new s(this.O(I()),this.O(I()),this,this.options)):n=e[i],n._$AI(o),i++;i<e.length&&(this._$AR(n&&n._$AB.nextSibling,i),e.length=i)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let n=jt(t).nextSibling;jt(t).remove(),t=n}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},T=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,n,i,o){this.type=1,this._$AH=u,this._$AN=void 0,this.element=t,this.name=e,this._$AM=i,this.options=o,n.length>2||n[0]!==""||n[1]!==""?(this._$AH=Array(n.length-1).fill(new String),this.strings=n):this._$AH=u}_$AI(t,e=this,n,i){let o=this.strings,r=!1;if(o===void 0)t=C(this,t,e,0),r=!H(t)||t!==this._$AH&&t!==b,r&&(this._$AH=t);else{let c=t,l,d;for(t=o[0],l=0;l<o.length-1;l++)d=C(this,c[n+l],e,l),d===b&&(d=this._$AH[l]),r||=!H(d)||d!==this._$AH[l],d===u?t=u:t!==u&&(t+=(d??"")+o[l+1]),this._$AH[l]=d}r&&!i&&this.j(t)}j(t){t===u?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},Y=class extends T{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===u?void 0:t}},Q=class extends T{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==u)}},Z=class extends T{constructor(t,e,n,i,o){super(t,e,n,i,o),this.type=5}_$AI(t,e=this){if((t=C(this,t,e,0)??u)===b)return;let n=this._$AH,i=t===u&&n!==u||t.capture!==n.capture||t.once!==n.once||t.passive!==n.passive,o=t!==u&&(n===u||i);i&&this.element.removeEventListener(this.name,this,n),o&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},X=class{constructor(t,e,n){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=n}get _$AU(){return this._$AM._$AU}_$AI(t){C(this,t)}},Ht={M:pt,P:_,A:ht,C:1,L:It,R:G,D:Mt,V:C,I:O,H:T,N:Q,U:Z,B:Y,F:X},ve=dt.litHtmlPolyfillSupport;ve?.(B,O),(dt.litHtmlVersions??=[]).push("3.3.3");var Bt=(s,t,e)=>{let n=e?.renderBefore??t,i=n._$litPart$;if(i===void 0){let o=e?.renderBefore??null;n._$litPart$=i=new O(t.insertBefore(I(),o),o,void 0,e??{})}return i._$AI(s),i};var gt=globalThis,x=class extends y{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=Bt(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return b}};x._$litElement$=!0,x.finalized=!0,gt.litElementHydrateSupport?.({LitElement:x});var ye=gt.litElementPolyfillSupport;ye?.({LitElement:x});(gt.litElementVersions??=[]).push("4.2.2");var v=class extends Error{constructor(t,e){super(e.detail||e.title||`HTTP ${t}`),this.name="JunctionError",this.status=t,this.type=e.type||"about:blank",this.title=e.title||"",this.errors=Array.isArray(e.errors)?e.errors:[],this.code=e.code||(t===0?"offline":t===401?"unauthorized":"error")}fieldError(t){return bt(this.errors,t)}};function bt(s,t){let e=s.find(n=>n.path===t||n.path?.startsWith(`${t}.`)||n.path?.startsWith(`${t}[`));return e?e.message:void 0}var Kt=600*1e3,_e=1e3,z=class{constructor({api:t,appKey:e,userId:n,hash:i,fetch:o}){for(let[r,c]of Object.entries({api:t,appKey:e,userId:n,hash:i}))if(!c)throw new TypeError(`JunctionClient needs '${r}'`);this.api=new URL(t,globalThis.location?.href).origin,this.identity={"app-key":e,"user-id":n,hash:i},this.fetch=o||globalThis.fetch.bind(globalThis)}async request(t,e,n){let i;try{i=await this.fetch(`${this.api}/v1${e}`,{method:t,headers:{...this.identity,...n===void 0?{}:{"content-type":"application/json"}},body:n===void 0?void 0:JSON.stringify(n),credentials:"omit"})}catch(c){throw new v(0,{title:"offline",detail:String(c?.message||c)})}if(i.status===204)return null;let o=await i.text(),r=null;try{r=o?JSON.parse(o):null}catch{r={title:o.slice(0,200)}}if(!i.ok)throw new v(i.status,r||{});return r}flows({tags:t}={}){return this.request("GET",`/flows${$t({tags:Ft(t)})}`).then(e=>e.flows)}flow(t){return this.request("GET",`/flows/${w(t)}`)}apps({tags:t}={}){return this.request("GET",`/apps${$t({tags:Ft(t)})}`).then(e=>e.apps)}accounts(t){return this.request("GET",`/apps/${w(t)}/accounts`).then(e=>e.accounts)}connect(t,e){return this.request("POST",`/apps/${w(t)}/accounts`,{credentials:e})}disconnect(t){return this.request("DELETE",`/accounts/${w(t)}`)}startOAuth(t,{account:e}={}){return this.request("POST",`/apps/${w(t)}/oauth/start`,e?{account:e}:void 0).then(n=>n.authorization_url)}async connectOAuth(t,e,{timeoutMs:n=Kt,account:i}={}){let o;try{o=await this.startOAuth(t,{account:i})}catch(c){throw e.close(),c}let r=new URL(o).searchParams.get("state");return e.location.href=o,Wt({popup:e,state:r,origin:this.api,timeoutMs:n})}integrations(){return this.request("GET","/integrations").then(t=>t.integrations)}integration(t){return this.request("GET",`/integrations/${w(t)}`)}createIntegration({flow:t,accounts:e,setup:n,name:i}){return this.request("POST","/integrations",{flow:t,accounts:e,setup:n,...i?{name:i}:{}})}updateIntegration(t,e){return this.request("PATCH",`/integrations/${w(t)}`,e)}deleteIntegration(t){return this.request("DELETE",`/integrations/${w(t)}`)}runs(t,{limit:e,before:n}={}){return this.request("GET",`/integrations/${w(t)}/runs${$t({limit:e,before:n})}`)}run(t){return this.request("GET",`/runs/${w(t)}`)}usage(){return this.request("GET","/usage")}options(t,e,{accounts:n,setup:i,search:o,cursor:r}={}){return this.request("POST",`/flows/${w(t)}/fields/${w(e)}/options`,{accounts:n||{},setup:i||{},...o?{search:o}:{},...r?{cursor:r}:{}})}form(t,e){return new tt(t,e)}};function Wt({popup:s,state:t,origin:e,timeoutMs:n=Kt,target:i=window}){return new Promise((o,r)=>{let c,l=(h,f)=>{i.removeEventListener("message",d),clearInterval(p),clearTimeout(c),clearTimeout(m),h(f)},d=h=>{if(h.origin!==e||h.source&&s&&h.source!==s)return;let f=h.data;if(!(!f||f.type!=="junction:oauth"||f.state!==t))if(f.status==="connected")l(o,f.account);else{let $=/denied|not authorized/i.test(f.message||"");l(r,new v(400,{title:f.message,code:$?"denied":"error"}))}};i.addEventListener("message",d);let p=setInterval(()=>{!s.closed||c||(clearInterval(p),c=setTimeout(()=>l(r,new v(400,{title:"the window was closed before connecting",code:"popup_closed"})),_e))},400),m=setTimeout(()=>{s.close(),l(r,new v(408,{title:"the connection took too long",code:"timeout"}))},n)})}var tt=class{constructor(t,e={}){this.flow=t,this.pages=(t.setup?.pages||[]).map(n=>({...n,fields:n.fields.filter(i=>i.type!=="hidden")})),this.fields=(t.setup?.pages||[]).flatMap(n=>n.fields),this.values={};for(let n of this.fields)n.id in e?this.values[n.id]=e[n.id]:n.default!==void 0?this.values[n.id]=Vt(n.default):n.type==="multi_select"?this.values[n.id]=[]:n.type==="field_mapping"?this.values[n.id]={}:n.type==="boolean"&&(this.values[n.id]=!1)}field(t){return this.fields.find(e=>e.id===t)}set(t,e){this.values[t]=e;let n=[],i=o=>{for(let r of this.fields)r.depends_on?.includes(o)&&!n.includes(r.id)&&(n.push(r.id),this.values[r.id]=r.default!==void 0&&r.type!=="dynamic_select"?Vt(r.default):r.type==="field_mapping"?{}:r.type==="multi_select"?[]:void 0,i(r.id))};return i(t),n}keepTargets(t,e){let n=this.values[t];if(!n||typeof n!="object")return;let i=new Set(e.map(o=>String(o.value)));this.values[t]=Object.fromEntries(Object.entries(n).filter(([o])=>i.has(o)))}ready(t){return(this.field(t)?.depends_on||[]).every(e=>zt(this.values[e]))}inputsOf(t){let e={};for(let n of this.field(t)?.depends_on||[])e[n]=this.values[n];return e}missing(t,e="required"){return(this.pages[t]?.fields||[]).filter(n=>n.required&&!zt(this.values[n.id])).map(n=>({path:`setup.${n.id}`,message:e}))}submission(){let t={};for(let e of this.fields){let n=this.values[e.id];n!=null&&n!==""&&(t[e.id]=n)}return t}};function zt(s){return s==null||s===""?!1:Array.isArray(s)?s.length>0:!0}function Vt(s){return s===void 0?s:JSON.parse(JSON.stringify(s))}function w(s){return encodeURIComponent(String(s))}function Ft(s){if(!s)return;let t=(Array.isArray(s)?s:String(s).split(",")).map(e=>e.trim()).filter(Boolean);return t.length?t.join(","):void 0}function $t(s){let t=new URLSearchParams;for(let[n,i]of Object.entries(s))i!=null&&i!==""&&t.set(n,String(i));let e=t.toString();return e?`?${e}`:""}var Ae=1,xe=["ready","view-change","open","close","account-connected","account-connect-failed","account-disconnected","setup-page","validation-error","before-save","integration-created","integration-updated","before-enable","integration-enabled","before-disable","integration-disabled","before-delete","integration-deleted","auth-failed","error"];function g(s,t,e={},{cancelable:n=!1}={}){return s.dispatchEvent(new CustomEvent(`junction:${t}`,{bubbles:!0,composed:!0,cancelable:n,detail:{version:1,...e}}))}var et={"nav.flows":"Flows","nav.apps":"Apps","nav.integrations":"My integrations","nav.label":"Marketplace sections",close:"Close",back:"Back",next:"Next",cancel:"Cancel",save:"Save",create:"Turn on",retry:"Try again",loading:"Loading…","search.flows":"Search flows","search.options":"Search","flows.empty":"No flow matches.","flows.count":{one:"{count} flow",other:"{count} flows"},"flow.integrations":{zero:"",one:"{count} integration",other:"{count} integrations"},"flow.setUp":"Set up","flow.setUpAnother":"Set up another","flow.needs":"What it needs","flow.needsAccount":"A {app} account","flow.yours":"Your integrations of this flow","apps.empty":"No app is used by the flows here.","apps.accounts":{zero:"Not connected",one:"{count} account",other:"{count} accounts"},"app.flows":"Flows with {app}","app.accounts":"Your {app} accounts","account.connect":"Connect {app}","account.connectAnother":"Connect another account","account.reconnect":"Reconnect","account.disconnect":"Disconnect","account.disconnectConfirm":"Disconnect {label}? Integrations using it stop.","account.needsReauth":"Needs to be reconnected","account.connected":"Connected {label}.","account.choose":"{app} account","account.none":"No {app} account yet.","account.key":"API key","account.username":"Username","account.password":"Password","account.submit":"Connect","popup.opening":"Waiting for {app} in the window that opened…","popup.blocked":"Your browser blocked the {app} window.","popup.continue":"Continue to {app}","popup.closed":"The {app} window was closed before connecting.","popup.denied":"{app} did not allow the connection.","popup.timeout":"Connecting to {app} took too long.","setup.title":"Set up {flow}","setup.edit":"Edit {flow}","setup.accounts":"Accounts","setup.page":"Step {page} of {pages}","setup.required":"required","setup.requiredError":"This field is required.","setup.choose":"Choose…","setup.loadMore":"Load more","setup.waitFor":"Choose {field} first.","setup.noOptions":"No options.","setup.mapSource":"Field","setup.mapTarget":"Value","setup.mapping":"Map each {app} field","setup.fix":{one:"{count} field needs attention.",other:"{count} fields need attention."},"setup.vetoed":"Not saved: the page did not allow it.","setup.name":"Name","integrations.empty":"No integration yet. Pick a flow to set one up.","integrations.count":{one:"{count} integration",other:"{count} integrations"},"integration.enabled":"On","integration.disabled":"Off","integration.enable":"Turn on","integration.disable":"Turn off","integration.edit":"Edit","integration.delete":"Delete","integration.deleteConfirm":"Delete {name}? Its runs stop and its setup is lost.","integration.deleted":"Deleted {name}.","integration.created":"{name} is on.","integration.updated":"Saved {name}.","integration.runs":"Runs","integration.lastRun":"Last run {when}","integration.noRuns":"No run yet","integration.why":"Turned off: {reason}","runs.title":"Runs of {name}","runs.empty":"No run yet. Runs appear here when something happens.","runs.more":"Older runs","runs.tasks":{one:"{count} task",other:"{count} tasks"},"runs.usage":{one:"{count} task used this month",other:"{count} tasks used this month"},"polls.checked":"Last checked {when}; next check {next}.","polls.pending":"The first check takes stock of what exists; runs start with what is new after it.","polls.failing":{one:"The last check failed: {error}",other:"The last {count} checks failed: {error}"},"run.title":"Run {id}","run.steps":"Steps","run.noSteps":"No step has run yet.","run.refresh":"Refresh","status.queued":"Queued","status.running":"Running","status.succeeded":"Succeeded","status.failed":"Failed","status.aborted":"Stopped","status.skipped":"Skipped","status.waiting":"Waiting","status.retrying":"Retrying","status.abandoned":"Never acknowledged","run.retry":"Attempt {attempt} of {of} did not get through; the next is {when}.","error.title":"Something went wrong.","error.offline":"Junction cannot be reached. Check your connection.","error.auth":"You could not be signed in to the marketplace.","veto.delete":"Not deleted: the page did not allow it.","veto.disable":"Not turned off: the page did not allow it.",yes:"Yes",no:"No"},ke={"nav.flows":"Flux","nav.apps":"Applications","nav.integrations":"Mes intégrations","nav.label":"Sections de la place de marché",close:"Fermer",back:"Retour",next:"Suivant",cancel:"Annuler",save:"Enregistrer",create:"Activer",retry:"Réessayer",loading:"Chargement…","search.flows":"Rechercher un flux","search.options":"Rechercher","flows.empty":"Aucun flux ne correspond.","flows.count":{one:"{count} flux",other:"{count} flux"},"flow.integrations":{zero:"",one:"{count} intégration",other:"{count} intégrations"},"flow.setUp":"Configurer","flow.setUpAnother":"En configurer une autre","flow.needs":"Ce qu'il faut","flow.needsAccount":"Un compte {app}","flow.yours":"Vos intégrations de ce flux","apps.empty":"Aucune application n'est utilisée par ces flux.","apps.accounts":{zero:"Non connecté",one:"{count} compte",other:"{count} comptes"},"app.flows":"Flux avec {app}","app.accounts":"Vos comptes {app}","account.connect":"Connecter {app}","account.connectAnother":"Connecter un autre compte","account.reconnect":"Reconnecter","account.disconnect":"Déconnecter","account.disconnectConfirm":"Déconnecter {label} ? Les intégrations qui l'utilisent s'arrêtent.","account.needsReauth":"À reconnecter","account.connected":"{label} est connecté.","account.choose":"Compte {app}","account.none":"Aucun compte {app} pour l'instant.","account.key":"Clé d'API","account.username":"Identifiant","account.password":"Mot de passe","account.submit":"Connecter","popup.opening":"En attente de {app} dans la fenêtre ouverte…","popup.blocked":"Votre navigateur a bloqué la fenêtre de {app}.","popup.continue":"Continuer vers {app}","popup.closed":"La fenêtre de {app} a été fermée avant la connexion.","popup.denied":"{app} n'a pas autorisé la connexion.","popup.timeout":"La connexion à {app} a pris trop de temps.","setup.title":"Configurer {flow}","setup.edit":"Modifier {flow}","setup.accounts":"Comptes","setup.page":"Étape {page} sur {pages}","setup.required":"obligatoire","setup.requiredError":"Ce champ est obligatoire.","setup.choose":"Choisir…","setup.loadMore":"Afficher plus","setup.waitFor":"Choisissez d'abord {field}.","setup.noOptions":"Aucune option.","setup.mapSource":"Champ","setup.mapTarget":"Valeur","setup.mapping":"Associez chaque champ {app}","setup.fix":{one:"{count} champ est à corriger.",other:"{count} champs sont à corriger."},"setup.vetoed":"Non enregistré : la page ne l'a pas permis.","setup.name":"Nom","integrations.empty":"Aucune intégration. Choisissez un flux pour en configurer une.","integrations.count":{one:"{count} intégration",other:"{count} intégrations"},"integration.enabled":"Active","integration.disabled":"Inactive","integration.enable":"Activer","integration.disable":"Désactiver","integration.edit":"Modifier","integration.delete":"Supprimer","integration.deleteConfirm":"Supprimer {name} ? Ses exécutions s'arrêtent et sa configuration est perdue.","integration.deleted":"{name} est supprimée.","integration.created":"{name} est active.","integration.updated":"{name} est enregistrée.","integration.runs":"Exécutions","integration.lastRun":"Dernière exécution {when}","integration.noRuns":"Aucune exécution","integration.why":"Désactivée : {reason}","runs.title":"Exécutions de {name}","runs.empty":"Aucune exécution. Elles apparaissent ici quand quelque chose se produit.","runs.more":"Plus anciennes","runs.tasks":{one:"{count} tâche",other:"{count} tâches"},"runs.usage":{one:"{count} tâche utilisée ce mois-ci",other:"{count} tâches utilisées ce mois-ci"},"polls.checked":"Dernière vérification {when} ; prochaine {next}.","polls.pending":"La première vérification fait l'inventaire de l'existant ; les exécutions partent de ce qui est nouveau ensuite.","polls.failing":{one:"La dernière vérification a échoué : {error}",other:"Les {count} dernières vérifications ont échoué : {error}"},"run.title":"Exécution {id}","run.steps":"Étapes","run.noSteps":"Aucune étape n'a encore tourné.","run.refresh":"Actualiser","status.queued":"En attente","status.running":"En cours","status.succeeded":"Réussie","status.failed":"Échouée","status.aborted":"Arrêtée","status.skipped":"Ignorée","status.waiting":"En pause","status.retrying":"Nouvel essai prévu","status.abandoned":"Jamais confirmée","run.retry":"L'essai {attempt} sur {of} n'a pas abouti ; le prochain aura lieu {when}.","error.title":"Une erreur s'est produite.","error.offline":"Junction est injoignable. Vérifiez votre connexion.","error.auth":"Impossible de vous identifier auprès de la place de marché.","veto.delete":"Non supprimée : la page ne l'a pas permis.","veto.disable":"Non désactivée : la page ne l'a pas permis.",yes:"Oui",no:"Non"},wt={en:et,fr:ke};function vt(s,t={}){let e=wt[s]||wt[String(s).split("-")[0]]||et,n=new Intl.PluralRules(e===et?"en":s);return(i,o={})=>{let r=t[i]??e[i]??et[i]??i;if(typeof r=="object"){let c=Number(o.count??0);r=(c===0&&r.zero!==void 0?r.zero:r[n.select(c)])??r.other??""}return String(r).replace(/\{(\w+)\}/g,(c,l)=>l in o?String(o[l]):c)}}var Jt=K`
    --junction-accent: #7aa7ff;
    --junction-on-accent: #0b1630;
    --junction-bg: #161a22;
    --junction-surface: #1f2430;
    --junction-fg: #e8ebf1;
    --junction-muted: #a3abbb;
    --junction-border: #394152;
    --junction-danger: #ff8a80;
    --junction-success: #7fd6a0;
`,Gt=K`
  :host {
    --junction-accent: #2f6fe0;
    --junction-on-accent: #fff;
    --junction-bg: #fff;
    --junction-surface: #f6f7f9;
    --junction-fg: #1d2330;
    --junction-muted: #5b6475;
    --junction-border: #d5d9e0;
    --junction-danger: #b3261e;
    --junction-success: #1e7b45;
    --junction-radius: 10px;
    --junction-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    display: block;
    font: 15px/1.5 var(--junction-font);
    color: var(--junction-fg);
    container-type: inline-size;
  }
  :host([theme="dark"]) { ${Jt} }
  @media (prefers-color-scheme: dark) {
    :host([theme="auto"]) { ${Jt} }
  }
  :host([mode="modal"]:not([open])) { display: none; }
  * { box-sizing: border-box; }
  .frame { background: var(--junction-bg); border: 1px solid var(--junction-border); border-radius: var(--junction-radius); padding: 1rem; min-height: 12rem; }
  .backdrop { position: fixed; inset: 0; background: #0008; display: grid; place-items: center; z-index: 2147483000; padding: 1rem; }
  .dialog { width: min(56rem, 100%); max-height: calc(100vh - 2rem); overflow: auto; }
  @media (max-width: 600px) {
    .backdrop { padding: 0; }
    .dialog { width: 100%; height: 100%; max-height: 100vh; border-radius: 0; }
  }
  header { display: flex; align-items: center; gap: .5rem; flex-wrap: wrap; margin-bottom: 1rem; }
  nav { display: flex; gap: .25rem; flex-wrap: wrap; flex: 1; }
  h2 { font-size: 1.25rem; margin: 0 0 .5rem; }
  h3 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
  p { margin: .25rem 0 .75rem; }
  .muted { color: var(--junction-muted); }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  button, .button { font: inherit; cursor: pointer; border-radius: calc(var(--junction-radius) * .6); border: 1px solid var(--junction-border); background: var(--junction-surface); color: var(--junction-fg); padding: .4rem .85rem; min-height: 2.25rem; }
  button.primary { background: var(--junction-accent); color: var(--junction-on-accent); border-color: var(--junction-accent); }
  button.danger { color: var(--junction-danger); }
  button.link { background: none; border: none; color: var(--junction-accent); padding: .2rem .25rem; text-decoration: underline; }
  button[aria-current="page"] { border-color: var(--junction-accent); box-shadow: inset 0 -2px 0 var(--junction-accent); }
  button:disabled { opacity: .55; cursor: not-allowed; }
  :focus-visible { outline: 3px solid var(--junction-accent); outline-offset: 2px; }
  /* Headings take focus only so a new view is announced; they are not controls. */
  .view-title:focus { outline: none; }
  input, select, textarea { font: inherit; color: var(--junction-fg); background: var(--junction-bg); border: 1px solid var(--junction-border); border-radius: calc(var(--junction-radius) * .5); padding: .4rem .5rem; min-height: 2.25rem; width: 100%; max-width: 100%; }
  input[type="checkbox"], input[type="radio"] { width: 1.1rem; flex: none; min-height: 1.1rem; accent-color: var(--junction-accent); }
  .search { max-width: 22rem; margin-bottom: 1rem; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .75rem; list-style: none; padding: 0; margin: 0; }
  .card { display: flex; flex-direction: column; gap: .35rem; text-align: start; width: 100%; height: 100%; padding: .85rem; background: var(--junction-surface); border: 1px solid var(--junction-border); border-radius: var(--junction-radius); }
  .card:hover { border-color: var(--junction-accent); }
  .card .title { font-weight: 600; }
  .icons { display: flex; gap: .35rem; align-items: center; }
  .icon { width: 1.75rem; height: 1.75rem; border-radius: .4rem; display: inline-grid; place-items: center; font-weight: 700; font-size: .8rem; color: #fff; background: var(--app-color, var(--junction-muted)); flex: none; object-fit: cover; }
  .icon.big { width: 2.5rem; height: 2.5rem; font-size: 1rem; }
  .row { display: flex; align-items: center; gap: .5rem; flex-wrap: wrap; }
  .spread { justify-content: space-between; }
  .list { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem; }
  .item { border: 1px solid var(--junction-border); border-radius: var(--junction-radius); padding: .75rem; background: var(--junction-surface); }
  .badge { display: inline-block; font-size: .8rem; padding: 0 .5rem; border-radius: 999px; border: 1px solid currentColor; }
  .badge.ok, .ok { color: var(--junction-success); }
  .badge.bad, .bad { color: var(--junction-danger); }
  .field { margin-bottom: 1rem; max-width: 36rem; }
  .field label, .field legend { display: block; font-weight: 600; margin-bottom: .25rem; }
  .field fieldset, fieldset.field { border: none; padding: 0; margin: 0; }
  fieldset.field { margin-bottom: .75rem; }
  .field .check { display: flex; gap: .5rem; align-items: center; font-weight: 400; }
  .field .help { color: var(--junction-muted); font-size: .9rem; margin: .2rem 0 0; }
  .field .error, .error { color: var(--junction-danger); font-size: .9rem; margin: .25rem 0 0; }
  .field [aria-invalid="true"] { border-color: var(--junction-danger); }
  .req { color: var(--junction-danger); margin-inline-start: .15rem; }
  .mapping { width: 100%; border-collapse: collapse; }
  .mapping th, .mapping td { text-align: start; padding: .3rem .25rem; vertical-align: middle; }
  .mapping th { font-weight: 500; width: 40%; }
  .steps { list-style: none; margin: 0; padding: 0; display: grid; gap: .4rem; }
  .steps li { border-inline-start: 3px solid var(--junction-border); padding: .25rem .6rem; }
  .steps li.failed { border-color: var(--junction-danger); }
  .steps li.succeeded { border-color: var(--junction-success); }
  code, .mono { font: .85rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
  .panel { border: 1px solid var(--junction-border); border-radius: var(--junction-radius); padding: 1rem; margin: .5rem 0 1rem; background: var(--junction-surface); }
  .notice { padding: .5rem .75rem; border-radius: calc(var(--junction-radius) * .6); background: var(--junction-surface); border: 1px solid var(--junction-border); margin: .5rem 0; }
  .skeleton { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
  .skeleton div { height: 6rem; border-radius: var(--junction-radius); background: linear-gradient(90deg, var(--junction-surface), var(--junction-border), var(--junction-surface)); background-size: 200% 100%; animation: shimmer 1.4s linear infinite; }
  @keyframes shimmer { from { background-position: 200% 0; } to { background-position: -200% 0; } }
  @media (prefers-reduced-motion: reduce) { .skeleton div { animation: none; } * { transition: none !important; scroll-behavior: auto !important; } }
  .actions { display: flex; gap: .5rem; flex-wrap: wrap; margin-top: 1rem; }
  @container (max-width: 420px) {
    .frame { padding: .75rem; }
    .mapping th { width: auto; display: block; }
    .mapping td { display: block; }
    .mapping tr { display: block; margin-bottom: .5rem; }
  }
`;var A={ATTRIBUTE:1,CHILD:2,PROPERTY:3,BOOLEAN_ATTRIBUTE:4,EVENT:5,ELEMENT:6},nt=s=>(...t)=>({_$litDirective$:s,values:t}),q=class{constructor(t){}get _$AU(){return this._$AM._$AU}_$AT(t,e,n){this._$Ct=t,this._$AM=e,this._$Ci=n}_$AS(t,e){return this.update(t,e)}update(t,e){return this.render(...e)}};var Yt="important",Ee=" !"+Yt,Qt=nt(class extends q{constructor(s){if(super(s),s.type!==A.ATTRIBUTE||s.name!=="style"||s.strings?.length>2)throw Error("The `styleMap` directive must be used in the `style` attribute and must be the only part in the attribute.")}render(s){return Object.keys(s).reduce((t,e)=>{let n=s[e];return n==null?t:t+`${e=e.includes("-")?e:e.replace(/(?:^(webkit|moz|ms|o)|)(?=[A-Z])/g,"-$&").toLowerCase()}:${n};`},"")}update(s,[t]){let{style:e}=s.element;if(this.ft===void 0)return this.ft=new Set(Object.keys(t)),this.render(t);for(let n of this.ft)t[n]==null&&(this.ft.delete(n),n.includes("-")?e.removeProperty(n):e[n]=null);for(let n in t){let i=t[n];if(i!=null){this.ft.add(n);let o=typeof i=="string"&&i.endsWith(Ee);n.includes("-")||o?e.setProperty(n,o?i.slice(0,-11):i,o?Yt:""):e[n]=i}}return b}});function j(s,t=!1){let e=t?"icon big":"icon";return s?.icon?a`<img class=${e} src=${s.icon} alt="" part="icon">`:a`<span class=${e} part="icon" aria-hidden="true" style=${Qt({"--app-color":s?.color||""})}>${(s?.name||"?").slice(0,1).toUpperCase()}</span>`}function st(s,t,{selected:e,onSelect:n}={}){let i=s.t,o=s.accounts[t.id]||[],r=s.connecting[t.id]||{},c=`account-${t.id}`,l=o.length===0?a`<p class="muted">${i("account.none",{app:t.name})}</p>`:n?a`<fieldset class="field"><legend>${i("account.choose",{app:t.name})}<span class="req" aria-hidden="true">*</span></legend>
          ${o.map(d=>a`<label class="check">
            <input type="radio" name=${c} .checked=${e===d.id} value=${d.id}
              @change=${()=>n(d.id)}>
            <span>${d.label}</span>
            ${d.status==="needs_reauthorization"?a`<span class="badge bad">${i("account.needsReauth")}</span>`:u}
          </label>`)}
          ${s.fieldError(`accounts.${t.id}`)?a`<p class="error" role="alert">${s.fieldError(`accounts.${t.id}`)}</p>`:u}
        </fieldset>`:a`<ul class="list">${o.map(d=>Se(s,t,d))}</ul>`;return a`
    ${l}
    ${Ce(s,t,r,o.length>0)}
  `}function Se(s,t,e){let n=s.t,i=e.status==="needs_reauthorization";return s.confirming===`account:${e.id}`?a`<li class="item"><div class="notice" role="alertdialog" aria-labelledby="confirm-${e.id}">
      <p id="confirm-${e.id}">${n("account.disconnectConfirm",{label:e.label})}</p>
      <div class="row"><button class="danger" data-confirm-disconnect @click=${()=>s.disconnect(t,e)}>${n("account.disconnect")}</button>
        <button @click=${()=>s.askDisconnect(null,e.id)}>${n("cancel")}</button></div></div></li>`:a`<li class="item row spread">
    <span>${e.label}
      ${i?a`<span class="badge bad">${n("account.needsReauth")}</span>`:u}</span>
    <span class="row">
      ${i?a`<button data-reconnect=${e.id} aria-label="${n("account.reconnect")} ${e.label}"
        @click=${()=>s.connectAccount(t.id,{account:e.id})}>${n("account.reconnect")}</button>`:u}
      <button class="danger" data-disconnect=${e.id} aria-label="${n("account.disconnect")} ${e.label}"
        @click=${()=>s.askDisconnect(e.id)}>${n("account.disconnect")}</button>
    </span></li>`}function Ce(s,t,e,n){let i=s.t;return e.state==="blocked"?a`<div class="notice" role="alert">
      <p>${i("popup.blocked",{app:t.name})}</p>
      <button class="primary" part="primary" @click=${()=>s.connectAccount(t.id,{account:e.account})}>${i("popup.continue",{app:t.name})}</button>
    </div>`:e.state==="popup"?a`<p class="notice" role="status">${i("popup.opening",{app:t.name})}</p>`:e.state==="form"?Te(s,t,e):a`
    ${e.message?a`<p class="error" role="alert">${e.message}</p>`:u}
    <button data-connect=${t.id} @click=${()=>s.connectAccount(t.id)}>
      ${n?i("account.connectAnother"):i("account.connect",{app:t.name})}</button>`}function Te(s,t,e){let n=s.t,i=c=>`cred-${t.id}-${c}`,o=c=>{c.preventDefault();let l=c.target,d=t.auth==="basic"?{type:"basic",username:l.elements.username.value,password:l.elements.password.value}:{type:"api_key",key:l.elements.key.value};s.submitCredentials(t,d)},r=e.error;return a`<form class="panel" @submit=${o} aria-labelledby=${i("title")} novalidate>
    <h3 id=${i("title")}>${n("account.connect",{app:t.name})}</h3>
    ${t.auth==="basic"?a`
      <div class="field"><label for=${i("username")}>${n("account.username")}<span class="req" aria-hidden="true">*</span></label>
        <input id=${i("username")} name="username" autocomplete="username" required part="input"
          aria-invalid=${r?"true":"false"} aria-describedby=${i("error")}></div>
      <div class="field"><label for=${i("password")}>${n("account.password")}<span class="req" aria-hidden="true">*</span></label>
        <input id=${i("password")} name="password" type="password" autocomplete="current-password" required part="input"
          aria-invalid=${r?"true":"false"} aria-describedby=${i("error")}></div>`:a`
      <div class="field"><label for=${i("key")}>${t.key_label||n("account.key")}<span class="req" aria-hidden="true">*</span></label>
        <input id=${i("key")} name="key" type="password" autocomplete="off" spellcheck="false" required part="input"
          aria-invalid=${r?"true":"false"} aria-describedby="${i("help")} ${i("error")}">
        ${t.key_help?a`<p class="help" id=${i("help")}>${t.key_help}</p>`:u}</div>`}
    <p class="error" id=${i("error")} role="alert">${r||""}</p>
    <div class="actions">
      <button type="submit" class="primary" part="primary" ?disabled=${e.busy}>${n("account.submit")}</button>
      <button type="button" @click=${()=>s.cancelConnect(t.id)}>${n("cancel")}</button>
    </div>
  </form>`}function Zt(s){let t=s.t,e=(s.search||"").trim().toLowerCase(),n=(s.data.flows||[]).filter(i=>!e||[i.name,i.description,...i.apps.map(o=>o.name)].join(" ").toLowerCase().includes(e));return a`
    <h2 tabindex="-1" class="view-title">${t("nav.flows")}</h2>
    <div class="search">
      <label class="sr" for="flow-search">${t("search.flows")}</label>
      <input id="flow-search" type="search" part="input" placeholder=${t("search.flows")}
        .value=${s.search||""} @input=${i=>{s.search=i.target.value}}>
    </div>
    <p class="sr" aria-live="polite">${t("flows.count",{count:n.length})}</p>
    ${n.length===0?a`<p class="notice">${t("flows.empty")}</p>`:a`
      <ul class="grid" role="list">
        ${n.map(i=>a`<li>
          <button class="card" part="card" data-flow=${i.id} @click=${()=>s.go("flow",{flow:i.id})}>
            <span class="icons">${i.apps.map(o=>j(o))}</span>
            <span class="title">${i.name}</span>
            ${i.description?a`<span class="muted">${i.description}</span>`:u}
            ${i.integrations?a`<span class="badge ok">${t("flow.integrations",{count:i.integrations})}</span>`:u}
          </button>
        </li>`)}
      </ul>`}
  `}function Xt(s){let t=s.t,{summary:e,integrations:n}=s.data,i=e.apps.filter(r=>r.auth!=="none"),o=e.multiple||n.length===0;return a`
    <button class="link" @click=${()=>s.go("flows")}>← ${t("back")}</button>
    <div class="row">${e.apps.map(r=>j(r,!0))}</div>
    <h2 tabindex="-1" class="view-title">${e.name}</h2>
    ${e.description?a`<p>${e.description}</p>`:u}
    ${i.length?a`<h3>${t("flow.needs")}</h3>
      <ul>${i.map(r=>a`<li>${t("flow.needsAccount",{app:r.name})}</li>`)}</ul>`:u}
    ${n.length?a`<h3>${t("flow.yours")}</h3>
      <ul class="list">${n.map(r=>a`<li class="item row spread">
        <span>${r.name} <span class="badge ${r.enabled?"ok":"bad"}">${t(r.enabled?"integration.enabled":"integration.disabled")}</span></span>
        <span class="row">
          <button @click=${()=>s.editIntegration(r.id)}>${t("integration.edit")}</button>
          <button @click=${()=>s.go("runs",{integration:r.id})}>${t("integration.runs")}</button>
        </span></li>`)}</ul>`:u}
    ${o?a`<div class="actions">
      <button class="primary" part="primary" @click=${()=>s.setupIntegration(e.id)}>
        ${t(n.length?"flow.setUpAnother":"flow.setUp")}</button></div>`:u}
  `}function te(s){let t=s.t,e=s.data.apps||[];return a`
    <h2 tabindex="-1" class="view-title">${t("nav.apps")}</h2>
    ${e.length===0?a`<p class="notice">${t("apps.empty")}</p>`:a`
      <ul class="grid" role="list">${e.map(n=>a`<li>
        <button class="card" part="card" data-app=${n.id} @click=${()=>s.go("app",{app:n.id})}>
          <span class="row">${j(n,!0)}<span class="title">${n.name}</span></span>
          ${n.description?a`<span class="muted">${n.description}</span>`:u}
          <span class="muted">${t("apps.accounts",{count:n.auth==="none"?0:n.accounts})}</span>
        </button></li>`)}</ul>`}
  `}function ee(s){let t=s.t,{app:e,flows:n}=s.data;return a`
    <button class="link" @click=${()=>s.go("apps")}>← ${t("back")}</button>
    <div class="row">${j(e,!0)}<h2 tabindex="-1" class="view-title">${e.name}</h2></div>
    ${e.description?a`<p>${e.description}</p>`:u}
    ${e.auth!=="none"?a`<h3>${t("app.accounts",{app:e.name})}</h3>${st(s,e,{})}`:u}
    <h3>${t("app.flows",{app:e.name})}</h3>
    <ul class="list">${n.map(i=>a`<li class="item row spread">
      <span>${i.name}</span>
      <button @click=${()=>s.go("flow",{flow:i.id})}>${t("flow.setUp")}</button></li>`)}</ul>
  `}var{I:Cn}=Ht;var ne=s=>s.strings===void 0;var je={},se=(s,t=je)=>s._$AH=t;var R=nt(class extends q{constructor(s){if(super(s),s.type!==A.PROPERTY&&s.type!==A.ATTRIBUTE&&s.type!==A.BOOLEAN_ATTRIBUTE)throw Error("The `live` directive is not allowed on child or event bindings");if(!ne(s))throw Error("`live` bindings can only contain a single expression")}render(s){return s}update(s,[t]){if(t===b||t===u)return t;let e=s.element,n=s.name;if(s.type===A.PROPERTY){if(t===e[n])return b}else if(s.type===A.BOOLEAN_ATTRIBUTE){if(!!t===e.hasAttribute(n))return b}else if(s.type===A.ATTRIBUTE&&e.getAttribute(n)===t+"")return b;return se(s),t}});function oe(s){let t=s.t,e=s.setup,n=e.pages.length,i=e.page===n-1,o=e.integration?t("setup.edit",{flow:e.flow.name}):t("setup.title",{flow:e.flow.name}),r=e.pages[e.page];return a`
    <button class="link" @click=${()=>s.cancelSetup()}>← ${t("cancel")}</button>
    <h2 tabindex="-1" class="view-title">${o}</h2>
    <p class="muted" aria-live="polite">${t("setup.page",{page:e.page+1,pages:n})} · ${r.title}</p>
    ${e.notice?a`<p class="notice error" role="alert">${e.notice}</p>`:u}
    ${r.accounts?a`<div role="group" aria-label=${r.title}>${Re(s)}${c(!1)}</div>`:a`<form novalidate @submit=${l=>{l.preventDefault(),s.setupNext()}} aria-label=${r.title}>
          ${r.description?a`<p class="muted">${r.description}</p>`:u}
          ${r.fields.map(l=>Oe(s,l))}
          ${c(!0)}
        </form>`}
  `;function c(l){return a`<div class="actions">
      ${e.page>0?a`<button type="button" @click=${()=>s.setupBack()}>${t("back")}</button>`:u}
      <button type=${l?"submit":"button"} class="primary" part="primary" ?disabled=${e.busy}
        @click=${l?u:()=>s.setupNext()}>
        ${i?e.integration?t("save"):t("create"):t("next")}</button>
    </div>`}}function Re(s){let t=s.setup;return t.apps.filter(e=>e.auth!=="none").map(e=>a`<div class="panel" data-app=${e.id}>
    ${st(s,e,{selected:t.accounts[e.id],onSelect:n=>s.chooseAccount(e.id,n)})}
  </div>`)}function yt(s,t,e){let n=s.t;return a`<label for=${e}>${t.label||t.id}${t.required?a`<span class="req" aria-hidden="true">*</span><span class="sr">(${n("setup.required")})</span>`:u}</label>`}function P(s,t){let e=s.fieldError(`setup.${t.id}`);return a`
    ${t.help?a`<p class="help" id="help-${t.id}">${t.help}</p>`:u}
    <p class="error" id="err-${t.id}" role=${e?"alert":u}>${e||""}</p>`}function it(s,t){return{invalid:s.fieldError(`setup.${t.id}`)?"true":"false",describedBy:`help-${t.id} err-${t.id}`,disabled:s.setup.locked?.includes(t.id)}}function Oe(s,t){let e=s.setup,n=e.form.values[t.id],i=`f-${t.id}`,o=it(s,t),r=c=>s.setValue(t.id,c);switch(t.type){case"text":return a`<div class="field" data-field=${t.id}>${yt(s,t,i)}
        <input id=${i} part="input" .value=${R(n??"")} ?disabled=${o.disabled} ?required=${t.required}
          aria-invalid=${o.invalid} aria-describedby=${o.describedBy} @input=${c=>r(c.target.value)}>${P(s,t)}</div>`;case"number":return a`<div class="field" data-field=${t.id}>${yt(s,t,i)}
        <input id=${i} part="input" type="number" inputmode="decimal" .value=${R(n??"")} ?disabled=${o.disabled}
          aria-invalid=${o.invalid} aria-describedby=${o.describedBy}
          @input=${c=>r(c.target.value===""?void 0:Number(c.target.value))}>${P(s,t)}</div>`;case"boolean":return a`<div class="field" data-field=${t.id}><label class="check">
        <input id=${i} type="checkbox" .checked=${R(!!n)} ?disabled=${o.disabled}
          aria-describedby=${o.describedBy} @change=${c=>r(c.target.checked)}>
        <span>${t.label||t.id}</span></label>${P(s,t)}</div>`;case"select":return ie(s,t,t.options||[],null);case"dynamic_select":return ie(s,t,e.options[t.id]?.options||[],e.options[t.id]||{});case"multi_select":return qe(s,t);case"field_mapping":return Pe(s,t);default:return u}}function ie(s,t,e,n){let i=s.t,o=s.setup,r=`f-${t.id}`,c=it(s,t),l=o.form.values[t.id],d=h=>JSON.stringify(h),p=n&&!o.form.ready(t.id),m=l!==void 0&&!e.some(h=>d(h.value)===d(l))?[...e,{value:l,label:String(l)}]:e;return a`<div class="field" data-field=${t.id}>${yt(s,t,r)}
    ${n?a`<label class="sr" for="${r}-search">${i("search.options")} ${t.label||t.id}</label>
      <input id="${r}-search" type="search" part="input" placeholder=${i("search.options")} ?disabled=${p||c.disabled}
        .value=${R(n.search||"")} @input=${h=>s.searchOptions(t.id,h.target.value)}>`:u}
    <select id=${r} part="input" ?disabled=${p||c.disabled} aria-invalid=${c.invalid}
      aria-describedby=${c.describedBy} aria-busy=${n?.loading?"true":"false"}
      @change=${h=>{let f=m[h.target.selectedIndex-1];s.setValue(t.id,f?f.value:void 0)}}>
      <option value="" ?selected=${l===void 0}>${n?.loading?i("loading"):i("setup.choose")}</option>
      ${m.map(h=>a`<option ?selected=${l!==void 0&&d(h.value)===d(l)}>${h.label}</option>`)}
    </select>
    ${p?a`<p class="help">${i("setup.waitFor",{field:t.depends_on.map(h=>o.form.field(h)?.label||h).join(", ")})}</p>`:u}
    ${n?.error?a`<p class="error">${n.error} <button type="button" class="link" @click=${()=>s.loadOptions(t.id)}>${i("retry")}</button></p>`:u}
    ${n?.next?a`<button type="button" class="link" @click=${()=>s.loadOptions(t.id,{more:!0})}>${i("setup.loadMore")}</button>`:u}
    ${P(s,t)}</div>`}function qe(s,t){let e=s.t,n=s.setup,i=t.source?n.options[t.id]||{}:null,o=t.options||i?.options||[],r=n.form.values[t.id]||[],c=d=>JSON.stringify(d),l=it(s,t);return a`<div class="field" data-field=${t.id}><fieldset aria-describedby=${l.describedBy}>
    <legend>${t.label||t.id}${t.required?a`<span class="req" aria-hidden="true">*</span><span class="sr">(${e("setup.required")})</span>`:u}</legend>
    ${o.map(d=>a`<label class="check"><input type="checkbox" ?disabled=${l.disabled}
      .checked=${R(r.some(p=>c(p)===c(d.value)))}
      @change=${p=>s.setValue(t.id,p.target.checked?[...r,d.value]:r.filter(m=>c(m)!==c(d.value)))}>
      <span>${d.label}</span></label>`)}
    ${i?.loading?a`<p class="muted">${e("loading")}</p>`:u}
    ${i?.next?a`<button type="button" class="link" @click=${()=>s.loadOptions(t.id,{more:!0})}>${e("setup.loadMore")}</button>`:u}
  </fieldset>${P(s,t)}</div>`}function Pe(s,t){let e=s.t,n=s.setup,i=n.options[t.id]||{},o=n.form.values[t.id]||{},r=i.options||[],c=n.apps.find(p=>p.id===t.source?.app),l=it(s,t),d=!n.form.ready(t.id);return a`<div class="field" data-field=${t.id}><fieldset aria-describedby=${l.describedBy}>
    <legend>${t.label||e("setup.mapping",{app:c?.name||""})}${t.required?a`<span class="req" aria-hidden="true">*</span>`:u}</legend>
    ${d?a`<p class="help">${e("setup.waitFor",{field:t.depends_on.map(p=>n.form.field(p)?.label||p).join(", ")})}</p>`:u}
    ${i.loading?a`<p class="muted">${e("loading")}</p>`:u}
    ${!d&&!i.loading&&r.length===0&&!i.error?a`<p class="muted">${e("setup.noOptions")}</p>`:u}
    ${i.error?a`<p class="error">${i.error} <button type="button" class="link" @click=${()=>s.loadOptions(t.id)}>${e("retry")}</button></p>`:u}
    ${r.length?a`<table class="mapping" part="mapping">
      <thead><tr><th scope="col">${c?.name||e("setup.mapSource")}</th><th scope="col">${e("setup.mapTarget")}</th></tr></thead>
      <tbody>${r.map(p=>{let m=String(p.value),h=`map-${t.id}-${m}`,f=$=>{let ot={...o};$?ot[m]=$:delete ot[m],s.setValue(t.id,ot)};return a`<tr><th scope="row"><label for=${h}>${p.label}</label></th><td>
          ${t.options?a`<select id=${h} part="input" ?disabled=${l.disabled} @change=${$=>f($.target.value)}>
              <option value="">—</option>
              ${t.options.map($=>a`<option value=${String($.value)} ?selected=${o[m]===String($.value)}>${$.label}</option>`)}
            </select>`:a`<input id=${h} part="input" ?disabled=${l.disabled} .value=${R(o[m]||"")} @input=${$=>f($.target.value)}>`}
        </td></tr>`})}</tbody></table>`:u}
    ${i.next?a`<button type="button" class="link" @click=${()=>s.loadOptions(t.id,{more:!0})}>${e("setup.loadMore")}</button>`:u}
  </fieldset>${P(s,t)}</div>`}function re(s){let t=s.t,{integrations:e,flows:n,labels:i}=s.data;return a`
    <h2 tabindex="-1" class="view-title">${t("nav.integrations")}</h2>
    ${e.length===0?a`<p class="notice">${t("integrations.empty")}</p>
      <button class="primary" part="primary" @click=${()=>s.go("flows")}>${t("nav.flows")}</button>`:a`
      <p class="muted">${t("integrations.count",{count:e.length})}</p>
      <ul class="list">${e.map(o=>{let r=n[o.flow_id],c=o.last_run,l=s.confirming===o.id;return a`<li class="item" data-integration=${o.id}>
          <div class="row spread">
            <span class="row">${(r?.apps||[]).map(d=>j(d))}<strong>${o.name}</strong>
              <span class="badge ${o.enabled?"ok":"bad"}">${t(o.enabled?"integration.enabled":"integration.disabled")}</span></span>
            <span class="muted">${c?a`${t("integration.lastRun",{when:s.when(c.created_at)})} · <span class=${_t(c.status)}>${t(`status.${c.status}`)}</span>`:t("integration.noRuns")}</span>
          </div>
          <p class="muted">${Object.values(o.accounts).map(d=>i[d]||d).join(" · ")}</p>
          ${!o.enabled&&o.disabled_reason?a`<p class="error">${t("integration.why",{reason:o.disabled_reason})}</p>`:u}
          ${s.rowNotice?.id===o.id?a`<p class="error" role="alert">${s.rowNotice.text}</p>`:u}
          ${l?a`<div class="notice" role="alertdialog" aria-labelledby="confirm-${o.id}">
              <p id="confirm-${o.id}">${t("integration.deleteConfirm",{name:o.name})}</p>
              <div class="row"><button class="danger" data-confirm-delete @click=${()=>s.deleteIntegration(o)}>${t("integration.delete")}</button>
              <button @click=${()=>s.askDelete(null)}>${t("cancel")}</button></div></div>`:a`
            <div class="row">
              <button @click=${()=>s.editIntegration(o.id)}>${t("integration.edit")}</button>
              <button @click=${()=>s.go("runs",{integration:o.id})}>${t("integration.runs")}</button>
              <button aria-pressed=${o.enabled?"true":"false"} @click=${()=>s.toggleIntegration(o)}>
                ${t(o.enabled?"integration.disable":"integration.enable")}</button>
              <button class="danger" data-delete @click=${()=>s.askDelete(o.id)}>${t("integration.delete")}</button>
            </div>`}
        </li>`})}</ul>`}
  `}function ae(s){let t=s.t,{integration:e,runs:n,next:i,usage:o}=s.data;return a`
    <button class="link" @click=${()=>s.go("integrations")}>← ${t("back")}</button>
    <h2 tabindex="-1" class="view-title">${t("runs.title",{name:e.name})}</h2>
    ${o?a`<p class="muted">${t("runs.usage",{count:o.tasks})}</p>`:u}
    ${(e.polls||[]).map(r=>Ne(s,r))}
    ${n.length===0?a`<p class="notice">${t("runs.empty")}</p>`:a`
      <ul class="list">${n.map(r=>a`<li class="item row spread" data-run=${r.id}>
        <span><span class="badge ${_t(r.status)}">${t(`status.${r.status}`)}</span>
          ${s.when(r.created_at)} · <span class="mono">${r.state.block_id}</span></span>
        <span class="row"><span class="muted">${t("runs.tasks",{count:r.state.tasks})}</span>
          <button @click=${()=>s.go("run",{run:r.id,integration:e.id})}>${t("run.steps")}</button></span>
      </li>`)}</ul>`}
    ${i?a`<div class="actions"><button @click=${()=>s.moreRuns()}>${t("runs.more")}</button></div>`:u}
  `}function Ne(s,t){let e=s.t;return t.status==="failing"?a`<p class="notice bad" data-poll=${t.block}>${e("polls.failing",{count:t.failures,error:t.last_error})}</p>`:t.status==="ok"?a`<p class="muted" data-poll=${t.block}>${e("polls.checked",{when:s.when(t.last_polled_at),next:s.when(t.next_poll_at)})}</p>`:t.status==="pending"?a`<p class="muted" data-poll=${t.block}>${e("polls.pending")}</p>`:u}function ce(s){let t=s.t,e=s.data.run,n=e.state.error;return a`
    <button class="link" @click=${()=>s.go("runs",{integration:e.integration_id})}>← ${t("back")}</button>
    <h2 tabindex="-1" class="view-title">${t("run.title",{id:e.id.slice(-8)})}</h2>
    <p class="row"><span class="badge ${_t(e.status)}" aria-live="polite">${t(`status.${e.status}`)}</span>
      <span class="muted">${s.when(e.created_at)} · ${t("runs.tasks",{count:e.state.tasks})}</span>
      <button class="link" @click=${()=>s.load()}>${t("run.refresh")}</button></p>
    ${n?a`<p class=${e.status==="retrying"?"notice":"error"}>${n.step?a`<span class="mono">${n.step}</span>: `:u}${n.message}</p>`:u}
    ${e.state.retry?a`<p class="muted">${t("run.retry",{attempt:e.state.retry.attempt,of:e.state.retry.of,when:s.when(e.state.retry.next_attempt_at)})}</p>`:u}
    <h3>${t("run.steps")}</h3>
    ${e.state.log.length===0?a`<p class="muted">${t("run.noSteps")}</p>`:a`
      <ol class="steps">${e.state.log.map(i=>a`<li class=${i.status}>
        <div class="row spread"><span><strong class="mono">${i.step}</strong> <span class="muted">${i.kind}</span>${i.iteration!==void 0?a` <span class="muted">#${i.iteration+1}</span>`:u}</span>
          <span class="muted">${t(`status.${i.status}`)} · ${Ue(i.duration_us)}</span></div>
        ${(i.requests||[]).map(o=>a`<div class="mono">${o.method} ${o.url} → ${o.status??"—"}${o.attempts>1?` (×${o.attempts})`:""}</div>`)}
        ${i.message?a`<div class="muted">${i.message}</div>`:u}
        ${i.error?a`<div class="error">${i.error}</div>`:u}
      </li>`)}</ol>`}
  `}function _t(s){return s==="succeeded"?"ok":s==="failed"||s==="abandoned"?"bad":""}function Ue(s){return s<1e3?`${s} µs`:s<1e6?`${(s/1e3).toFixed(1)} ms`:`${(s/1e6).toFixed(2)} s`}var At=["flows","flow","apps","app","setup","integrations","runs","run"],Me='button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])',U=class extends x{constructor(){super(),this.mode="inline",this.theme="auto",this.locale="en",this.view="flows",this.params={},this.open_=!1,this.data={},this.loading=!0,this.accounts={},this.connecting={},this.errors=[],this.announcement=""}get t(){return this._tKey!==`${this.locale}|${this.strings?"x":""}`&&(this._t=vt(this.locale,this.strings||{}),this._tKey=`${this.locale}|${this.strings?"x":""}`),this._t}get client(){let t=[this.api,this.appKey,this.userId,this.hash].join("|");return this._clientKey!==t&&(this._client=new z({api:this.api||location.origin,appKey:this.appKey,userId:this.userId,hash:this.hash}),this._clientKey=t),this._client}connectedCallback(){super.connectedCallback(),this._onKey=t=>this.onKey(t),this.addEventListener("keydown",this._onKey),At.includes(this.view)||(this.view="flows"),this.mode!=="modal"?this.load().then(()=>g(this,"ready",{view:this.view})):g(this,"ready",{view:this.view})}updated(t){this._loadedOnce&&(t.has("tags")||t.has("api")||t.has("userId")||t.has("hash"))&&(this._apps=null,this.load({quiet:!0})),this._loadedOnce=this._loadedOnce||!this.loading}disconnectedCallback(){super.disconnectedCallback(),this.removeEventListener("keydown",this._onKey)}async open(t=this.view,e={}){this.mode==="modal"&&!this.open_&&(this._restoreFocus=De(),this.open_=!0,g(this,"open",{view:t})),await this.go(t,e)}async close(){this.mode!=="modal"||!this.open_||(this.open_=!1,g(this,"close",{}),await this.updateComplete,this._restoreFocus?.focus?.())}async connectAccount(t,{account:e}={}){let n=await this.appSummary(t);if(!n)throw new Error(`unknown app '${t}'`);if(n.auth==="oauth2")return this.oauth(n,e);this.connecting={...this.connecting,[t]:{state:"form"}},await this.updateComplete,this.renderRoot.querySelector(`#cred-${t}-${n.auth==="basic"?"username":"key"}`)?.focus()}async setupIntegration(t,{values:e={},locked:n=[]}={}){this.mode==="modal"&&!this.open_?await this.open("setup",{flow:t,values:e,locked:n}):await this.go("setup",{flow:t,values:e,locked:n})}async editIntegration(t){this.mode==="modal"&&!this.open_?await this.open("setup",{integration:t}):await this.go("setup",{integration:t})}async refresh(){await this.load({quiet:!0})}async go(t,e={}){if(!At.includes(t))throw new Error(`unknown view '${t}' (one of ${At.join(", ")})`);let n=this.view;this.view=t,this.params=e,this.errors=[],this.confirming=null,this.rowNotice=null,g(this,"view-change",{from:n,to:t,params:Le(e)}),await this.load(),await this.updateComplete,this.renderRoot.querySelector(".view-title")?.focus()}async load({quiet:t=!1}={}){let e=this._seq=(this._seq||0)+1;t||(this.loading=!0),this.failure=null;try{let n=await this.fetchView(this.view,this.params);if(e!==this._seq)return;this.data=n}catch(n){if(e!==this._seq)return;this.failure=n,n instanceof v&&n.status===401?g(this,"auth-failed",{message:n.message}):g(this,"error",{view:this.view,status:n.status??0,message:n.message})}finally{e===this._seq&&(this.loading=!1)}}async fetchView(t,e){let n=this.client;switch(t){case"flows":return{flows:await n.flows({tags:this.tags})};case"flow":{let[i,o]=await Promise.all([n.flows({tags:this.tags}),n.integrations()]);return{summary:i.find(c=>c.id===e.flow)||await this.summaryOf(e.flow),integrations:o.filter(c=>c.flow_id===e.flow)}}case"apps":return{apps:await n.apps({tags:this.tags})};case"app":{let[i,o]=await Promise.all([n.apps({tags:this.tags}),n.flows({tags:this.tags})]),r=i.find(c=>c.id===e.app);if(!r)throw new v(404,{title:`app '${e.app}' is not in this marketplace`});return await this.loadAccounts(r.id),{app:r,flows:o.filter(c=>c.apps.some(l=>l.id===r.id))}}case"setup":return await this.prepareSetup(e),{};case"integrations":{let[i,o]=await Promise.all([n.integrations(),n.flows()]),r=Object.fromEntries(o.map(p=>[p.id,p])),c=[...new Set(i.flatMap(p=>Object.keys(p.accounts)))],l=await Promise.all(c.map(p=>n.accounts(p).catch(()=>[]))),d={};for(let p of l)for(let m of p)d[m.id]=m.label;return{integrations:i,flows:r,labels:d}}case"runs":{let[i,o,r]=await Promise.all([n.integration(e.integration),n.runs(e.integration,{limit:20}),n.usage().catch(()=>null)]);return{integration:i,runs:o.runs,next:o.next,usage:r}}case"run":{let i=await n.run(e.run);return["queued","running","retrying"].includes(i.status)&&this.pollRun(i.id),{run:i}}}return{}}pollRun(t){clearTimeout(this._poll),this._poll=setTimeout(()=>{this.view==="run"&&this.params.run===t&&this.load({quiet:!0})},700)}async summaryOf(t){let n=(await this.client.flows()).find(i=>i.id===t);if(!n)throw new v(404,{title:`flow '${t}' is not published`});return n}async appSummary(t){return(this._apps||(this._apps=await this.client.apps())).find(n=>n.id===t)||(this.setup?.apps||[]).find(n=>n.id===t)}async loadAccounts(t){let e=await this.client.accounts(t);return this.accounts={...this.accounts,[t]:e},e}async moreRuns(){let t=await this.client.runs(this.params.integration,{limit:20,before:this.data.next});this.data={...this.data,runs:[...this.data.runs,...t.runs],next:t.next}}oauth(t,e){let n=window.open("",`junction-oauth-${t.id}`,"popup,width=520,height=700");return n?(this.connecting={...this.connecting,[t.id]:{state:"popup"}},this.client.connectOAuth(t.id,n,{account:e}).then(i=>this.connected(t,i,{reconnected:!!e}),i=>{let o=i.code==="error"?"denied":i.code,r={popup_closed:"popup.closed",denied:"popup.denied",timeout:"popup.timeout"}[o],c=r?`${this.t(r,{app:t.name})}${o==="denied"&&i.message?` (${i.message})`:""}`:i.message;return this.connecting={...this.connecting,[t.id]:{message:c}},g(this,"account-connect-failed",{app:t.id,code:o,message:c}),this.announce(c),null})):(this.connecting={...this.connecting,[t.id]:{state:"blocked",account:e}},g(this,"account-connect-failed",{app:t.id,code:"popup_blocked",message:this.t("popup.blocked",{app:t.name})}),Promise.resolve(null))}async submitCredentials(t,e){this.connecting={...this.connecting,[t.id]:{state:"form",busy:!0}};try{let n=await this.client.connect(t.id,e);return await this.connected(t,n)}catch(n){let i=n.fieldError?.("credentials")||n.message;this.connecting={...this.connecting,[t.id]:{state:"form",error:i}};let o=n.status===422||n.status===400?"invalid_credentials":n.status===0?"offline":"error";return g(this,"account-connect-failed",{app:t.id,code:o,message:i}),await this.updateComplete,this.renderRoot.querySelector(`#cred-${t.id}-${t.auth==="basic"?"username":"key"}`)?.focus(),null}}async connected(t,e,{reconnected:n=!1}={}){return this.connecting={...this.connecting,[t.id]:{}},await this.loadAccounts(t.id),this.setup&&this.chooseAccount(t.id,e.id),g(this,"account-connected",{app:t.id,account:{id:e.id,label:e.label,status:e.status},reconnected:n}),this.announce(this.t("account.connected",{label:e.label})),this._apps=null,e}cancelConnect(t){this.connecting={...this.connecting,[t]:{}}}async askDisconnect(t,e=t){this.confirming=t?`account:${t}`:null,await this.updateComplete,this.renderRoot.querySelector(t?"[data-confirm-disconnect]":`[data-disconnect="${e}"]`)?.focus()}async disconnect(t,e){this.confirming=null;try{await this.client.disconnect(e.id),await this.loadAccounts(t.id),g(this,"account-disconnected",{app:t.id,account:{id:e.id,label:e.label}})}catch(n){this.connecting={...this.connecting,[t.id]:{message:n.message}}}}async prepareSetup({flow:t,integration:e,values:n={},locked:i=[]}){let o=null;e&&(o=await this.client.integration(e),t=o.flow_id,n=o.setup);let[r,c]=await Promise.all([this.client.flow(t),this.summaryOf(t)]),l=this.client.form(r.flow,n),d=c.apps;await Promise.all(d.filter(h=>h.auth!=="none").map(h=>this.loadAccounts(h.id)));let p={};for(let h of d){let f=this.accounts[h.id]||[];o?.accounts[h.id]?p[h.id]=o.accounts[h.id]:f.length===1&&(p[h.id]=f[0].id)}let m=[];d.some(h=>h.auth!=="none")&&!o&&m.push({title:this.t("setup.accounts"),accounts:!0,fields:[]});for(let[h,f]of l.pages.entries())m.push({...f,index:h});m.length===0&&m.push({title:r.flow.name,fields:[]}),this.setup={flow:r.flow,apps:d,form:l,pages:m,page:0,accounts:p,options:{},integration:o,locked:i,notice:null},this.pageEntered()}chooseAccount(t,e){let n=this.setup;n.accounts={...n.accounts,[t]:e};for(let i of n.form.fields)i.source?.app===t&&delete n.options[i.id];this.errors=this.errors.filter(i=>i.path!==`accounts.${t}`),this.errors.length===0&&(n.notice=null),this.requestUpdate()}setValue(t,e){let n=this.setup,i=n.form.set(t,e);for(let o of i)delete n.options[o];this.errors=this.errors.filter(o=>o.path!==`setup.${t}`),this.errors.length===0&&(n.notice=null),this.requestUpdate();for(let o of i)this.onPage(o)&&this.loadOptions(o)}onPage(t){return this.setup.pages[this.setup.page]?.fields.some(e=>e.id===t)}pageEntered(){let t=this.setup,e=t.pages[t.page];g(this,"setup-page",{flow:t.flow.id,page:t.page,pages:t.pages.length,title:e.title});for(let n of e.fields)n.source&&!t.options[n.id]&&t.form.ready(n.id)&&this.loadOptions(n.id)}async loadOptions(t,{more:e=!1}={}){let n=this.setup,i=n.form.field(t);if(!i?.source||!n.form.ready(t))return;let o=n.options[t]||{},r=(o.seq||0)+1;n.options[t]={...o,seq:r,loading:!0,error:null,...e?{}:{options:[],next:null}},this.requestUpdate();try{let c=await this.client.options(n.flow.id,t,{accounts:n.accounts,setup:n.form.inputsOf(t),search:o.search,cursor:e?o.next:void 0});if(n.options[t]?.seq!==r||this.setup!==n)return;let l=e?[...n.options[t].options||[],...c.options]:c.options;n.options[t]={...n.options[t],options:l,next:c.next||null,loading:!1},i.type==="field_mapping"&&!c.next&&n.form.keepTargets(t,l)}catch(c){if(n.options[t]?.seq!==r)return;n.options[t]={...n.options[t],loading:!1,error:c.message}}this.requestUpdate()}searchOptions(t,e){let n=this.setup;n.options[t]={...n.options[t]||{},search:e},clearTimeout(this._searchTimer),this._searchTimer=setTimeout(()=>this.loadOptions(t),250)}setupBack(){let t=this.setup;t.page>0&&(t.page-=1,t.notice=null,this.requestUpdate(),this.pageEntered(),this.focusTitle())}async setupNext(){let t=this.setup,e=t.pages[t.page],n=e.accounts?t.apps.filter(i=>i.auth!=="none"&&!t.accounts[i.id]).map(i=>({path:`accounts.${i.id}`,message:this.t("setup.requiredError")})):t.form.missing(e.index,this.t("setup.requiredError"));return n.length?this.showErrors(n):t.page<t.pages.length-1?(t.page+=1,t.notice=null,this.errors=[],this.requestUpdate(),this.pageEntered(),this.focusTitle()):this.save()}async save(){let t=this.setup,e=t.form.submission(),n={flow:t.flow.id,integration:t.integration?.id??null,values:e,accounts:t.accounts};if(!g(this,"before-save",n,{cancelable:!0}))return t.notice=this.t("setup.vetoed"),this.requestUpdate(),null;t.busy=!0,this.requestUpdate();try{let i;return t.integration?(i=await this.client.updateIntegration(t.integration.id,{setup:e}),g(this,"integration-updated",{integration:N(i)}),this.announce(this.t("integration.updated",{name:i.name}))):({integration:i}=await this.client.createIntegration({flow:t.flow.id,accounts:t.accounts,setup:e}),g(this,"integration-created",{integration:N(i)}),this.announce(this.t("integration.created",{name:i.name}))),this.setup=null,await this.go("integrations"),i}catch(i){return t.busy=!1,i.errors?.length?this.showErrors(i.errors.map(o=>({...o,path:o.path||""}))):(t.notice=i.message,this.requestUpdate(),null)}}async showErrors(t){let e=this.setup;this.errors=t,g(this,"validation-error",{flow:e.flow.id,errors:t});let n=e.pages.findIndex(i=>t.some(o=>i.accounts&&o.path.startsWith("accounts.")||i.fields.some(r=>o.path===`setup.${r.id}`||o.path.startsWith(`setup.${r.id}.`))));return n>=0&&n!==e.page&&(e.page=n,this.pageEntered()),e.notice=this.t("setup.fix",{count:t.length}),this.requestUpdate(),await this.updateComplete,this.renderRoot.querySelector('[aria-invalid="true"], .field .error[role="alert"]')?.closest(".field")?.querySelector("input, select")?.focus(),null}fieldError(t){return bt(this.errors||[],t)}cancelSetup(){let t=this.setup?.flow?.id,e=this.setup?.integration;return this.setup=null,e?this.go("integrations"):this.go("flow",{flow:t})}async toggleIntegration(t){let e=!t.enabled;if(!g(this,e?"before-enable":"before-disable",{integration:N(t)},{cancelable:!0})){this.rowNotice={id:t.id,text:e?this.t("setup.vetoed"):this.t("veto.disable")};return}try{let i=await this.client.updateIntegration(t.id,{enabled:e});g(this,e?"integration-enabled":"integration-disabled",{integration:N(i)}),this.announce(`${i.name}: ${this.t(e?"integration.enabled":"integration.disabled")}`),await this.load({quiet:!0})}catch(i){this.rowNotice={id:t.id,text:i.message}}}async askDelete(t){this.confirming=t,await this.updateComplete,this.renderRoot.querySelector(t?"[data-confirm-delete]":".view-title")?.focus()}async deleteIntegration(t){if(this.confirming=null,!g(this,"before-delete",{integration:N(t)},{cancelable:!0})){this.rowNotice={id:t.id,text:this.t("veto.delete")};return}try{await this.client.deleteIntegration(t.id),g(this,"integration-deleted",{integration:N(t)}),this.announce(this.t("integration.deleted",{name:t.name})),await this.load({quiet:!0}),this.focusTitle()}catch(e){this.rowNotice={id:t.id,text:e.message}}}announce(t){this.announcement="",requestAnimationFrame(()=>{this.announcement=t})}async focusTitle(){await this.updateComplete,this.renderRoot.querySelector(".view-title")?.focus()}when(t){try{return new Intl.DateTimeFormat(this.locale,{dateStyle:"medium",timeStyle:"short"}).format(new Date(t))}catch{return t}}onKey(t){if(!(this.mode!=="modal"||!this.open_)){if(t.key==="Escape")t.preventDefault(),this.close();else if(t.key==="Tab"){let e=[...this.renderRoot.querySelectorAll(Me)].filter(r=>!r.disabled&&r.offsetParent!==null);if(e.length===0)return;let n=e[0],i=e[e.length-1],o=this.renderRoot.activeElement;t.shiftKey&&(o===n||!o)?(t.preventDefault(),i.focus()):!t.shiftKey&&(o===i||!o)&&(t.preventDefault(),n.focus())}}}render(){let t=this.t,e=a`
      <div class="frame ${this.mode==="modal"?"dialog":""}" part="frame"
        role=${this.mode==="modal"?"dialog":"region"} aria-modal=${this.mode==="modal"?"true":u}
        aria-label=${t("nav.flows")} lang=${this.locale}>
        <header part="header">
          <nav aria-label=${t("nav.label")} part="nav">
            ${["flows","apps","integrations"].map(n=>a`<button data-nav=${n} part="tab"
              aria-current=${this.section()===n?"page":u} @click=${()=>this.go(n)}>${t(`nav.${n}`)}</button>`)}
          </nav>
          ${this.mode==="modal"?a`<button class="close" aria-label=${t("close")} @click=${()=>this.close()}>✕</button>`:u}
        </header>
        <div class="sr" role="status" aria-live="polite">${this.announcement}</div>
        <main aria-busy=${this.loading?"true":"false"}>${this.renderView()}</main>
      </div>`;return this.mode==="modal"?this.open_?a`<div class="backdrop" part="backdrop" @click=${n=>{n.target===n.currentTarget&&this.close()}}>${e}</div>`:u:e}section(){return["flows","flow","setup"].includes(this.view)?"flows":["apps","app"].includes(this.view)?"apps":"integrations"}renderView(){let t=this.t;if(this.loading)return a`<p class="sr">${t("loading")}</p><div class="skeleton" aria-hidden="true" part="skeleton"><div></div><div></div><div></div></div>`;if(this.failure){let e=this.failure,n=e.status===0?t("error.offline"):e.status===401?t("error.auth"):t("error.title");return a`<div class="notice" role="alert" part="error">
        <p><strong>${n}</strong></p>${e.status!==0&&e.message?a`<p class="muted">${e.message}</p>`:u}
        <button class="primary" part="primary" @click=${()=>this.load()}>${t("retry")}</button></div>`}switch(this.view){case"flows":return Zt(this);case"flow":return Xt(this);case"apps":return te(this);case"app":return ee(this);case"setup":return this.setup?oe(this):u;case"integrations":return re(this);case"runs":return ae(this);case"run":return ce(this)}return u}};rt(U,"styles",Gt),rt(U,"properties",{api:{type:String},appKey:{type:String,attribute:"app-key"},userId:{type:String,attribute:"user-id"},hash:{type:String},tags:{type:String},mode:{type:String,reflect:!0},theme:{type:String,reflect:!0},locale:{type:String},view:{type:String},strings:{type:Object},open_:{type:Boolean,attribute:"open",reflect:!0},data:{state:!0},loading:{state:!0},failure:{state:!0},search:{state:!0},setup:{state:!0},accounts:{state:!0},connecting:{state:!0},confirming:{state:!0},rowNotice:{state:!0},announcement:{state:!0}});function N(s){return{id:s.id,flow:s.flow_id,name:s.name,enabled:s.enabled}}function Le(s){let t={};for(let e of["flow","app","integration","run"])s[e]&&(t[e]=s[e]);return t}function De(){let s=document.activeElement;for(;s?.shadowRoot?.activeElement;)s=s.shadowRoot.activeElement;return s}customElements.get("junction-marketplace")||customElements.define("junction-marketplace",U);export{xe as EVENT_NAMES,Ae as EVENT_VERSION,z as JunctionClient,v as JunctionError,U as JunctionMarketplace,wt as LOCALES,tt as SetupForm,vt as translator,Wt as waitForCallback};
//! JunctionClient: the marketplace API for a browser, with the rules a UI needs
//! (signed identity, problem+json errors by field, the OAuth popup, setup-form state).
//! The DOM events the element emits: `junction:<name>`, bubbling and composed, with a
//! versioned `detail`. The `before-*` events are cancelable: a host that calls
//! `preventDefault()` stops the save, delete or disable.
//! Every string the widget shows, in one catalogue per locale. A value is a text with
//! `{name}` placeholders, or plural forms chosen by `Intl.PluralRules` on `{count}`.
//! The element's styles: one constructable stylesheet (no inline style a strict CSP
//! would refuse), themed by CSS custom properties, light and dark.
//! An app's icon: its image, or its initial on its colour when it has none.
//! Accounts of one app: the list (pick one in a setup form), connect by API key, basic
//! credentials or an OAuth popup that survives popup blockers, reconnect, disconnect.
//! The catalogue views: the flow list with its search, a flow's page, the app grid and
//! an app's page (its flows and the user's accounts of it).
//! The setup form: the accounts the flow needs, then every page of its form with Back
//! and Next, each field type, and errors shown at the field they name.
//! The user's integrations (status, accounts, last run; edit, on/off, delete with
//! confirmation), an integration's runs with the month's tasks, and a run's step log.
//! <junction-marketplace>: the embedded marketplace. Views, navigation, the modal
//! dialog, and the actions the views call; what it shows comes from JunctionClient.
//! The widget module: registers <junction-marketplace> and exports the headless client.
/*! Bundled license information:

@lit/reactive-element/css-tag.js:
  (**
   * @license
   * Copyright 2019 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

@lit/reactive-element/reactive-element.js:
lit-html/lit-html.js:
lit-element/lit-element.js:
lit-html/directive.js:
  (**
   * @license
   * Copyright 2017 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

lit-html/is-server.js:
  (**
   * @license
   * Copyright 2022 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

lit-html/directives/style-map.js:
  (**
   * @license
   * Copyright 2018 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

lit-html/directive-helpers.js:
lit-html/directives/live.js:
  (**
   * @license
   * Copyright 2020 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)
*/
