var ae=Object.defineProperty;var ce=(n,t,e)=>t in n?ae(n,t,{enumerable:!0,configurable:!0,writable:!0,value:e}):n[t]=e;var rt=(n,t,e)=>ce(n,typeof t!="symbol"?t+"":t,e);var V=globalThis,F=V.ShadowRoot&&(V.ShadyCSS===void 0||V.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,at=Symbol(),At=new WeakMap,M=class{constructor(t,e,s){if(this._$cssResult$=!0,s!==at)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(F&&t===void 0){let s=e!==void 0&&e.length===1;s&&(t=At.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),s&&At.set(e,t))}return t}toString(){return this.cssText}},xt=n=>new M(typeof n=="string"?n:n+"",void 0,at),K=(n,...t)=>{let e=n.length===1?n[0]:t.reduce((s,i,r)=>s+(o=>{if(o._$cssResult$===!0)return o.cssText;if(typeof o=="number")return o;throw Error("Value passed to 'css' function must be a 'css' function result: "+o+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(i)+n[r+1],n[0]);return new M(e,n,at)},kt=(n,t)=>{if(F)n.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let s=document.createElement("style"),i=V.litNonce;i!==void 0&&s.setAttribute("nonce",i),s.textContent=e.cssText,n.appendChild(s)}},ct=F?n=>n:n=>n instanceof CSSStyleSheet?(t=>{let e="";for(let s of t.cssRules)e+=s.cssText;return xt(e)})(n):n;var{is:le,defineProperty:ue,getOwnPropertyDescriptor:de,getOwnPropertyNames:pe,getOwnPropertySymbols:he,getPrototypeOf:me}=Object,W=globalThis,Et=W.trustedTypes,fe=Et?Et.emptyScript:"",ge=W.reactiveElementPolyfillSupport,L=(n,t)=>n,lt={toAttribute(n,t){switch(t){case Boolean:n=n?fe:null;break;case Object:case Array:n=n==null?n:JSON.stringify(n)}return n},fromAttribute(n,t){let e=n;switch(t){case Boolean:e=n!==null;break;case Number:e=n===null?null:Number(n);break;case Object:case Array:try{e=JSON.parse(n)}catch{e=null}}return e}},Ct=(n,t)=>!le(n,t),St={attribute:!0,type:String,converter:lt,reflect:!1,useDefault:!1,hasChanged:Ct};Symbol.metadata??=Symbol("metadata"),W.litPropertyMetadata??=new WeakMap;var y=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=St){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let s=Symbol(),i=this.getPropertyDescriptor(t,s,e);i!==void 0&&ue(this.prototype,t,i)}}static getPropertyDescriptor(t,e,s){let{get:i,set:r}=de(this.prototype,t)??{get(){return this[e]},set(o){this[e]=o}};return{get:i,set(o){let c=i?.call(this);r?.call(this,o),this.requestUpdate(t,c,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??St}static _$Ei(){if(this.hasOwnProperty(L("elementProperties")))return;let t=me(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(L("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(L("properties"))){let e=this.properties,s=[...pe(e),...he(e)];for(let i of s)this.createProperty(i,e[i])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[s,i]of e)this.elementProperties.set(s,i)}this._$Eh=new Map;for(let[e,s]of this.elementProperties){let i=this._$Eu(e,s);i!==void 0&&this._$Eh.set(i,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let s=new Set(t.flat(1/0).reverse());for(let i of s)e.unshift(ct(i))}else t!==void 0&&e.push(ct(t));return e}static _$Eu(t,e){let s=e.attribute;return s===!1?void 0:typeof s=="string"?s:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let s of e.keys())this.hasOwnProperty(s)&&(t.set(s,this[s]),delete this[s]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return kt(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,s){this._$AK(t,s)}_$ET(t,e){let s=this.constructor.elementProperties.get(t),i=this.constructor._$Eu(t,s);if(i!==void 0&&s.reflect===!0){let r=(s.converter?.toAttribute!==void 0?s.converter:lt).toAttribute(e,s.type);this._$Em=t,r==null?this.removeAttribute(i):this.setAttribute(i,r),this._$Em=null}}_$AK(t,e){let s=this.constructor,i=s._$Eh.get(t);if(i!==void 0&&this._$Em!==i){let r=s.getPropertyOptions(i),o=typeof r.converter=="function"?{fromAttribute:r.converter}:r.converter?.fromAttribute!==void 0?r.converter:lt;this._$Em=i;let c=o.fromAttribute(e,r.type);this[i]=c??this._$Ej?.get(i)??c,this._$Em=null}}requestUpdate(t,e,s,i=!1,r){if(t!==void 0){let o=this.constructor;if(i===!1&&(r=this[t]),s??=o.getPropertyOptions(t),!((s.hasChanged??Ct)(r,e)||s.useDefault&&s.reflect&&r===this._$Ej?.get(t)&&!this.hasAttribute(o._$Eu(t,s))))return;this.C(t,e,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:s,reflect:i,wrapped:r},o){s&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,o??e??this[t]),r!==!0||o!==void 0)||(this._$AL.has(t)||(this.hasUpdated||s||(e=void 0),this._$AL.set(t,e)),i===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[i,r]of this._$Ep)this[i]=r;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[i,r]of s){let{wrapped:o}=r,c=this[i];o!==!0||this._$AL.has(i)||c===void 0||this.C(i,void 0,r,c)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(e)):this._$EM()}catch(s){throw t=!1,this._$EM(),s}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};y.elementStyles=[],y.shadowRootOptions={mode:"open"},y[L("elementProperties")]=new Map,y[L("finalized")]=new Map,ge?.({ReactiveElement:y}),(W.reactiveElementVersions??=[]).push("2.1.2");var dt=globalThis,Tt=n=>n,J=dt.trustedTypes,jt=J?J.createPolicy("lit-html",{createHTML:n=>n}):void 0,pt="$lit$",_=`lit$${Math.random().toFixed(9).slice(2)}$`,ht="?"+_,$e=`<${ht}>`,S=document,D=()=>S.createComment(""),H=n=>n===null||typeof n!="object"&&typeof n!="function",mt=Array.isArray,Ut=n=>mt(n)||typeof n?.[Symbol.iterator]=="function",ut=`[ 	
\f\r]`,I=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,Rt=/-->/g,Ot=/>/g,k=RegExp(`>|${ut}(?:([^\\s"'>=/]+)(${ut}*=${ut}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),qt=/'/g,Pt=/"/g,Mt=/^(?:script|style|textarea|title)$/i,ft=n=>(t,...e)=>({_$litType$:n,strings:t,values:e}),a=ft(1),He=ft(2),Be=ft(3),b=Symbol.for("lit-noChange"),u=Symbol.for("lit-nothing"),Nt=new WeakMap,E=S.createTreeWalker(S,129);function Lt(n,t){if(!mt(n)||!n.hasOwnProperty("raw"))throw Error("invalid template strings array");return jt!==void 0?jt.createHTML(t):t}var It=(n,t)=>{let e=n.length-1,s=[],i,r=t===2?"<svg>":t===3?"<math>":"",o=I;for(let c=0;c<e;c++){let l=n[c],p,m,d=-1,h=0;for(;h<l.length&&(o.lastIndex=h,m=o.exec(l),m!==null);)h=o.lastIndex,o===I?m[1]==="!--"?o=Rt:m[1]!==void 0?o=Ot:m[2]!==void 0?(Mt.test(m[2])&&(i=RegExp("</"+m[2],"g")),o=k):m[3]!==void 0&&(o=k):o===k?m[0]===">"?(o=i??I,d=-1):m[1]===void 0?d=-2:(d=o.lastIndex-m[2].length,p=m[1],o=m[3]===void 0?k:m[3]==='"'?Pt:qt):o===Pt||o===qt?o=k:o===Rt||o===Ot?o=I:(o=k,i=void 0);let g=o===k&&n[c+1].startsWith("/>")?" ":"";r+=o===I?l+$e:d>=0?(s.push(p),l.slice(0,d)+pt+l.slice(d)+_+g):l+_+(d===-2?c:g)}return[Lt(n,r+(n[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),s]},B=class n{constructor({strings:t,_$litType$:e},s){let i;this.parts=[];let r=0,o=0,c=t.length-1,l=this.parts,[p,m]=It(t,e);if(this.el=n.createElement(p,s),E.currentNode=this.el.content,e===2||e===3){let d=this.el.content.firstChild;d.replaceWith(...d.childNodes)}for(;(i=E.nextNode())!==null&&l.length<c;){if(i.nodeType===1){if(i.hasAttributes())for(let d of i.getAttributeNames())if(d.endsWith(pt)){let h=m[o++],g=i.getAttribute(d).split(_),$=/([.?@])?(.*)/.exec(h);l.push({type:1,index:r,name:$[2],strings:g,ctor:$[1]==="."?Y:$[1]==="?"?Q:$[1]==="@"?Z:T}),i.removeAttribute(d)}else d.startsWith(_)&&(l.push({type:6,index:r}),i.removeAttribute(d));if(Mt.test(i.tagName)){let d=i.textContent.split(_),h=d.length-1;if(h>0){i.textContent=J?J.emptyScript:"";for(let g=0;g<h;g++)i.append(d[g],D()),E.nextNode(),l.push({type:2,index:++r});i.append(d[h],D())}}}else if(i.nodeType===8)if(i.data===ht)l.push({type:2,index:r});else{let d=-1;for(;(d=i.data.indexOf(_,d+1))!==-1;)l.push({type:7,index:r}),d+=_.length-1}r++}}static createElement(t,e){let s=S.createElement("template");return s.innerHTML=t,s}};function C(n,t,e=n,s){if(t===b)return t;let i=s!==void 0?e._$Co?.[s]:e._$Cl,r=H(t)?void 0:t._$litDirective$;return i?.constructor!==r&&(i?._$AO?.(!1),r===void 0?i=void 0:(i=new r(n),i._$AT(n,e,s)),s!==void 0?(e._$Co??=[])[s]=i:e._$Cl=i),i!==void 0&&(t=C(n,i._$AS(n,t.values),i,s)),t}var G=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:s}=this._$AD,i=(t?.creationScope??S).importNode(e,!0);E.currentNode=i;let r=E.nextNode(),o=0,c=0,l=s[0];for(;l!==void 0;){if(o===l.index){let p;l.type===2?p=new O(r,r.nextSibling,this,t):l.type===1?p=new l.ctor(r,l.name,l.strings,this,t):l.type===6&&(p=new X(r,this,t)),this._$AV.push(p),l=s[++c]}o!==l?.index&&(r=E.nextNode(),o++)}return E.currentNode=S,i}p(t){let e=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(t,s,e),e+=s.strings.length-2):s._$AI(t[e])),e++}},O=class n{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,s,i){this.type=2,this._$AH=u,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=s,this.options=i,this._$Cv=i?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=C(this,t,e),H(t)?t===u||t==null||t===""?(this._$AH!==u&&this._$AR(),this._$AH=u):t!==this._$AH&&t!==b&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):Ut(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==u&&H(this._$AH)?this._$AA.nextSibling.data=t:this.T(S.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:s}=t,i=typeof s=="number"?this._$AC(t):(s.el===void 0&&(s.el=B.createElement(Lt(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===i)this._$AH.p(e);else{let r=new G(i,this),o=r.u(this.options);r.p(e),this.T(o),this._$AH=r}}_$AC(t){let e=Nt.get(t.strings);return e===void 0&&Nt.set(t.strings,e=new B(t)),e}k(t){mt(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,s,i=0;for(let r of t)i===e.length?e.push(s=new n(this.O(D()),this.O(D()),this,this.options)):s=e[i],s._$AI(r),i++;i<e.length&&(this._$AR(s&&s._$AB.nextSibling,i),e.length=i)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let s=Tt(t).nextSibling;Tt(t).remove(),t=s}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},T=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,s,i,r){this.type=1,this._$AH=u,this._$AN=void 0,this.element=t,this.name=e,this._$AM=i,this.options=r,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=u}_$AI(t,e=this,s,i){let r=this.strings,o=!1;if(r===void 0)t=C(this,t,e,0),o=!H(t)||t!==this._$AH&&t!==b,o&&(this._$AH=t);else{let c=t,l,p;for(t=r[0],l=0;l<r.length-1;l++)p=C(this,c[s+l],e,l),p===b&&(p=this._$AH[l]),o||=!H(p)||p!==this._$AH[l],p===u?t=u:t!==u&&(t+=(p??"")+r[l+1]),this._$AH[l]=p}o&&!i&&this.j(t)}j(t){t===u?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},Y=class extends T{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===u?void 0:t}},Q=class extends T{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==u)}},Z=class extends T{constructor(t,e,s,i,r){super(t,e,s,i,r),this.type=5}_$AI(t,e=this){if((t=C(this,t,e,0)??u)===b)return;let s=this._$AH,i=t===u&&s!==u||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive,r=t!==u&&(s===u||i);i&&this.element.removeEventListener(this.name,this,s),r&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},X=class{constructor(t,e,s){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(t){C(this,t)}},Dt={M:pt,P:_,A:ht,C:1,L:It,R:G,D:Ut,V:C,I:O,H:T,N:Q,U:Z,B:Y,F:X},be=dt.litHtmlPolyfillSupport;be?.(B,O),(dt.litHtmlVersions??=[]).push("3.3.3");var Ht=(n,t,e)=>{let s=e?.renderBefore??t,i=s._$litPart$;if(i===void 0){let r=e?.renderBefore??null;s._$litPart$=i=new O(t.insertBefore(D(),r),r,void 0,e??{})}return i._$AI(n),i};var gt=globalThis,x=class extends y{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=Ht(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return b}};x._$litElement$=!0,x.finalized=!0,gt.litElementHydrateSupport?.({LitElement:x});var we=gt.litElementPolyfillSupport;we?.({LitElement:x});(gt.litElementVersions??=[]).push("4.2.2");var v=class extends Error{constructor(t,e){super(e.detail||e.title||`HTTP ${t}`),this.name="JunctionError",this.status=t,this.type=e.type||"about:blank",this.title=e.title||"",this.errors=Array.isArray(e.errors)?e.errors:[],this.code=e.code||(t===0?"offline":t===401?"unauthorized":"error")}fieldError(t){return bt(this.errors,t)}};function bt(n,t){let e=n.find(s=>s.path===t||s.path?.startsWith(`${t}.`)||s.path?.startsWith(`${t}[`));return e?e.message:void 0}var Vt=600*1e3,z=class{constructor({api:t,appKey:e,userId:s,hash:i,fetch:r}){for(let[o,c]of Object.entries({api:t,appKey:e,userId:s,hash:i}))if(!c)throw new TypeError(`JunctionClient needs '${o}'`);this.api=new URL(t,globalThis.location?.href).origin,this.identity={"app-key":e,"user-id":s,hash:i},this.fetch=r||globalThis.fetch.bind(globalThis)}async request(t,e,s){let i;try{i=await this.fetch(`${this.api}/v1${e}`,{method:t,headers:{...this.identity,...s===void 0?{}:{"content-type":"application/json"}},body:s===void 0?void 0:JSON.stringify(s),credentials:"omit"})}catch(c){throw new v(0,{title:"offline",detail:String(c?.message||c)})}if(i.status===204)return null;let r=await i.text(),o=null;try{o=r?JSON.parse(r):null}catch{o={title:r.slice(0,200)}}if(!i.ok)throw new v(i.status,o||{});return o}flows({tags:t}={}){return this.request("GET",`/flows${$t({tags:zt(t)})}`).then(e=>e.flows)}flow(t){return this.request("GET",`/flows/${w(t)}`)}apps({tags:t}={}){return this.request("GET",`/apps${$t({tags:zt(t)})}`).then(e=>e.apps)}accounts(t){return this.request("GET",`/apps/${w(t)}/accounts`).then(e=>e.accounts)}connect(t,e){return this.request("POST",`/apps/${w(t)}/accounts`,{credentials:e})}disconnect(t){return this.request("DELETE",`/accounts/${w(t)}`)}startOAuth(t){return this.request("POST",`/apps/${w(t)}/oauth/start`).then(e=>e.authorization_url)}async connectOAuth(t,e,{timeoutMs:s=Vt}={}){let i;try{i=await this.startOAuth(t)}catch(o){throw e.close(),o}let r=new URL(i).searchParams.get("state");return e.location.href=i,Ft({popup:e,state:r,origin:this.api,timeoutMs:s})}integrations(){return this.request("GET","/integrations").then(t=>t.integrations)}integration(t){return this.request("GET",`/integrations/${w(t)}`)}createIntegration({flow:t,accounts:e,setup:s,name:i}){return this.request("POST","/integrations",{flow:t,accounts:e,setup:s,...i?{name:i}:{}})}updateIntegration(t,e){return this.request("PATCH",`/integrations/${w(t)}`,e)}deleteIntegration(t){return this.request("DELETE",`/integrations/${w(t)}`)}runs(t,{limit:e,before:s}={}){return this.request("GET",`/integrations/${w(t)}/runs${$t({limit:e,before:s})}`)}run(t){return this.request("GET",`/runs/${w(t)}`)}usage(){return this.request("GET","/usage")}options(t,e,{accounts:s,setup:i,search:r,cursor:o}={}){return this.request("POST",`/flows/${w(t)}/fields/${w(e)}/options`,{accounts:s||{},setup:i||{},...r?{search:r}:{},...o?{cursor:o}:{}})}form(t,e){return new tt(t,e)}};function Ft({popup:n,state:t,origin:e,timeoutMs:s=Vt,target:i=window}){return new Promise((r,o)=>{let c=(d,h)=>{i.removeEventListener("message",l),clearInterval(p),clearTimeout(m),d(h)},l=d=>{if(d.origin!==e||d.source&&n&&d.source!==n)return;let h=d.data;if(!(!h||h.type!=="junction:oauth"||h.state!==t))if(h.status==="connected")c(r,h.account);else{let g=/denied|not authorized/i.test(h.message||"");c(o,new v(400,{title:h.message,code:g?"denied":"error"}))}};i.addEventListener("message",l);let p=setInterval(()=>{n.closed&&c(o,new v(400,{title:"the window was closed before connecting",code:"popup_closed"}))},400),m=setTimeout(()=>{n.close(),c(o,new v(408,{title:"the connection took too long",code:"timeout"}))},s)})}var tt=class{constructor(t,e={}){this.flow=t,this.pages=(t.setup?.pages||[]).map(s=>({...s,fields:s.fields.filter(i=>i.type!=="hidden")})),this.fields=(t.setup?.pages||[]).flatMap(s=>s.fields),this.values={};for(let s of this.fields)s.id in e?this.values[s.id]=e[s.id]:s.default!==void 0?this.values[s.id]=ve(s.default):s.type==="multi_select"?this.values[s.id]=[]:s.type==="field_mapping"?this.values[s.id]={}:s.type==="boolean"&&(this.values[s.id]=!1)}field(t){return this.fields.find(e=>e.id===t)}set(t,e){this.values[t]=e;let s=[],i=r=>{for(let o of this.fields)o.depends_on?.includes(r)&&!s.includes(o.id)&&(s.push(o.id),this.values[o.id]=o.type==="field_mapping"?{}:o.type==="multi_select"?[]:void 0,i(o.id))};return i(t),s}ready(t){return(this.field(t)?.depends_on||[]).every(e=>Bt(this.values[e]))}inputsOf(t){let e={};for(let s of this.field(t)?.depends_on||[])e[s]=this.values[s];return e}missing(t,e="required"){return(this.pages[t]?.fields||[]).filter(s=>s.required&&!Bt(this.values[s.id])).map(s=>({path:`setup.${s.id}`,message:e}))}submission(){let t={};for(let e of this.fields){let s=this.values[e.id];s!=null&&s!==""&&(t[e.id]=s)}return t}};function Bt(n){return n==null||n===""?!1:Array.isArray(n)?n.length>0:!0}function ve(n){return n===void 0?n:JSON.parse(JSON.stringify(n))}function w(n){return encodeURIComponent(String(n))}function zt(n){if(!n)return;let t=(Array.isArray(n)?n:String(n).split(",")).map(e=>e.trim()).filter(Boolean);return t.length?t.join(","):void 0}function $t(n){let t=new URLSearchParams;for(let[s,i]of Object.entries(n))i!=null&&i!==""&&t.set(s,String(i));let e=t.toString();return e?`?${e}`:""}var ye=1,_e=["ready","view-change","open","close","account-connected","account-connect-failed","account-disconnected","setup-page","validation-error","before-save","integration-created","integration-updated","before-enable","integration-enabled","before-disable","integration-disabled","before-delete","integration-deleted","auth-failed","error"];function f(n,t,e={},{cancelable:s=!1}={}){return n.dispatchEvent(new CustomEvent(`junction:${t}`,{bubbles:!0,composed:!0,cancelable:s,detail:{version:1,...e}}))}var et={"nav.flows":"Flows","nav.apps":"Apps","nav.integrations":"My integrations","nav.label":"Marketplace sections",close:"Close",back:"Back",next:"Next",cancel:"Cancel",save:"Save",create:"Turn on",retry:"Try again",loading:"Loading…","search.flows":"Search flows","search.options":"Search","flows.empty":"No flow matches.","flows.count":{one:"{count} flow",other:"{count} flows"},"flow.integrations":{zero:"",one:"{count} integration",other:"{count} integrations"},"flow.setUp":"Set up","flow.setUpAnother":"Set up another","flow.needs":"What it needs","flow.needsAccount":"A {app} account","flow.yours":"Your integrations of this flow","apps.empty":"No app is used by the flows here.","apps.accounts":{zero:"Not connected",one:"{count} account",other:"{count} accounts"},"app.flows":"Flows with {app}","app.accounts":"Your {app} accounts","account.connect":"Connect {app}","account.connectAnother":"Connect another account","account.reconnect":"Reconnect","account.disconnect":"Disconnect","account.disconnectConfirm":"Disconnect {label}? Integrations using it stop.","account.needsReauth":"Needs to be reconnected","account.connected":"Connected {label}.","account.choose":"{app} account","account.none":"No {app} account yet.","account.key":"API key","account.username":"Username","account.password":"Password","account.submit":"Connect","popup.opening":"Waiting for {app} in the window that opened…","popup.blocked":"Your browser blocked the {app} window.","popup.continue":"Continue to {app}","popup.closed":"The {app} window was closed before connecting.","popup.denied":"{app} did not allow the connection.","popup.timeout":"Connecting to {app} took too long.","setup.title":"Set up {flow}","setup.edit":"Edit {flow}","setup.accounts":"Accounts","setup.page":"Step {page} of {pages}","setup.required":"required","setup.requiredError":"This field is required.","setup.choose":"Choose…","setup.loadMore":"Load more","setup.waitFor":"Choose {field} first.","setup.noOptions":"No options.","setup.mapSource":"Field","setup.mapTarget":"Value","setup.mapping":"Map each {app} field","setup.fix":{one:"{count} field needs attention.",other:"{count} fields need attention."},"setup.vetoed":"Not saved: the page did not allow it.","setup.name":"Name","integrations.empty":"No integration yet. Pick a flow to set one up.","integrations.count":{one:"{count} integration",other:"{count} integrations"},"integration.enabled":"On","integration.disabled":"Off","integration.enable":"Turn on","integration.disable":"Turn off","integration.edit":"Edit","integration.delete":"Delete","integration.deleteConfirm":"Delete {name}? Its runs stop and its setup is lost.","integration.deleted":"Deleted {name}.","integration.created":"{name} is on.","integration.updated":"Saved {name}.","integration.runs":"Runs","integration.lastRun":"Last run {when}","integration.noRuns":"No run yet","integration.why":"Turned off: {reason}","runs.title":"Runs of {name}","runs.empty":"No run yet. Runs appear here when something happens.","runs.more":"Older runs","runs.tasks":{one:"{count} task",other:"{count} tasks"},"runs.usage":{one:"{count} task used this month",other:"{count} tasks used this month"},"run.title":"Run {id}","run.steps":"Steps","run.noSteps":"No step has run yet.","run.refresh":"Refresh","status.queued":"Queued","status.running":"Running","status.succeeded":"Succeeded","status.failed":"Failed","status.aborted":"Stopped","status.skipped":"Skipped","status.waiting":"Waiting","error.title":"Something went wrong.","error.offline":"Junction cannot be reached. Check your connection.","error.auth":"You could not be signed in to the marketplace.","veto.delete":"Not deleted: the page did not allow it.","veto.disable":"Not turned off: the page did not allow it.",yes:"Yes",no:"No"},Ae={"nav.flows":"Flux","nav.apps":"Applications","nav.integrations":"Mes intégrations","nav.label":"Sections de la place de marché",close:"Fermer",back:"Retour",next:"Suivant",cancel:"Annuler",save:"Enregistrer",create:"Activer",retry:"Réessayer",loading:"Chargement…","search.flows":"Rechercher un flux","search.options":"Rechercher","flows.empty":"Aucun flux ne correspond.","flows.count":{one:"{count} flux",other:"{count} flux"},"flow.integrations":{zero:"",one:"{count} intégration",other:"{count} intégrations"},"flow.setUp":"Configurer","flow.setUpAnother":"En configurer une autre","flow.needs":"Ce qu'il faut","flow.needsAccount":"Un compte {app}","flow.yours":"Vos intégrations de ce flux","apps.empty":"Aucune application n'est utilisée par ces flux.","apps.accounts":{zero:"Non connecté",one:"{count} compte",other:"{count} comptes"},"app.flows":"Flux avec {app}","app.accounts":"Vos comptes {app}","account.connect":"Connecter {app}","account.connectAnother":"Connecter un autre compte","account.reconnect":"Reconnecter","account.disconnect":"Déconnecter","account.disconnectConfirm":"Déconnecter {label} ? Les intégrations qui l'utilisent s'arrêtent.","account.needsReauth":"À reconnecter","account.connected":"{label} est connecté.","account.choose":"Compte {app}","account.none":"Aucun compte {app} pour l'instant.","account.key":"Clé d'API","account.username":"Identifiant","account.password":"Mot de passe","account.submit":"Connecter","popup.opening":"En attente de {app} dans la fenêtre ouverte…","popup.blocked":"Votre navigateur a bloqué la fenêtre de {app}.","popup.continue":"Continuer vers {app}","popup.closed":"La fenêtre de {app} a été fermée avant la connexion.","popup.denied":"{app} n'a pas autorisé la connexion.","popup.timeout":"La connexion à {app} a pris trop de temps.","setup.title":"Configurer {flow}","setup.edit":"Modifier {flow}","setup.accounts":"Comptes","setup.page":"Étape {page} sur {pages}","setup.required":"obligatoire","setup.requiredError":"Ce champ est obligatoire.","setup.choose":"Choisir…","setup.loadMore":"Afficher plus","setup.waitFor":"Choisissez d'abord {field}.","setup.noOptions":"Aucune option.","setup.mapSource":"Champ","setup.mapTarget":"Valeur","setup.mapping":"Associez chaque champ {app}","setup.fix":{one:"{count} champ est à corriger.",other:"{count} champs sont à corriger."},"setup.vetoed":"Non enregistré : la page ne l'a pas permis.","setup.name":"Nom","integrations.empty":"Aucune intégration. Choisissez un flux pour en configurer une.","integrations.count":{one:"{count} intégration",other:"{count} intégrations"},"integration.enabled":"Active","integration.disabled":"Inactive","integration.enable":"Activer","integration.disable":"Désactiver","integration.edit":"Modifier","integration.delete":"Supprimer","integration.deleteConfirm":"Supprimer {name} ? Ses exécutions s'arrêtent et sa configuration est perdue.","integration.deleted":"{name} est supprimée.","integration.created":"{name} est active.","integration.updated":"{name} est enregistrée.","integration.runs":"Exécutions","integration.lastRun":"Dernière exécution {when}","integration.noRuns":"Aucune exécution","integration.why":"Désactivée : {reason}","runs.title":"Exécutions de {name}","runs.empty":"Aucune exécution. Elles apparaissent ici quand quelque chose se produit.","runs.more":"Plus anciennes","runs.tasks":{one:"{count} tâche",other:"{count} tâches"},"runs.usage":{one:"{count} tâche utilisée ce mois-ci",other:"{count} tâches utilisées ce mois-ci"},"run.title":"Exécution {id}","run.steps":"Étapes","run.noSteps":"Aucune étape n'a encore tourné.","run.refresh":"Actualiser","status.queued":"En attente","status.running":"En cours","status.succeeded":"Réussie","status.failed":"Échouée","status.aborted":"Arrêtée","status.skipped":"Ignorée","status.waiting":"En pause","error.title":"Une erreur s'est produite.","error.offline":"Junction est injoignable. Vérifiez votre connexion.","error.auth":"Impossible de vous identifier auprès de la place de marché.","veto.delete":"Non supprimée : la page ne l'a pas permis.","veto.disable":"Non désactivée : la page ne l'a pas permis.",yes:"Oui",no:"Non"},wt={en:et,fr:Ae};function vt(n,t={}){let e=wt[n]||wt[String(n).split("-")[0]]||et,s=new Intl.PluralRules(e===et?"en":n);return(i,r={})=>{let o=t[i]??e[i]??et[i]??i;if(typeof o=="object"){let c=Number(r.count??0);o=(c===0&&o.zero!==void 0?o.zero:o[s.select(c)])??o.other??""}return String(o).replace(/\{(\w+)\}/g,(c,l)=>l in r?String(r[l]):c)}}var Kt=K`
    --junction-accent: #7aa7ff;
    --junction-on-accent: #0b1630;
    --junction-bg: #161a22;
    --junction-surface: #1f2430;
    --junction-fg: #e8ebf1;
    --junction-muted: #a3abbb;
    --junction-border: #394152;
    --junction-danger: #ff8a80;
    --junction-success: #7fd6a0;
`,Wt=K`
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
  :host([theme="dark"]) { ${Kt} }
  @media (prefers-color-scheme: dark) {
    :host([theme="auto"]) { ${Kt} }
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
`;var A={ATTRIBUTE:1,CHILD:2,PROPERTY:3,BOOLEAN_ATTRIBUTE:4,EVENT:5,ELEMENT:6},st=n=>(...t)=>({_$litDirective$:n,values:t}),q=class{constructor(t){}get _$AU(){return this._$AM._$AU}_$AT(t,e,s){this._$Ct=t,this._$AM=e,this._$Ci=s}_$AS(t,e){return this.update(t,e)}update(t,e){return this.render(...e)}};var Jt="important",xe=" !"+Jt,Gt=st(class extends q{constructor(n){if(super(n),n.type!==A.ATTRIBUTE||n.name!=="style"||n.strings?.length>2)throw Error("The `styleMap` directive must be used in the `style` attribute and must be the only part in the attribute.")}render(n){return Object.keys(n).reduce((t,e)=>{let s=n[e];return s==null?t:t+`${e=e.includes("-")?e:e.replace(/(?:^(webkit|moz|ms|o)|)(?=[A-Z])/g,"-$&").toLowerCase()}:${s};`},"")}update(n,[t]){let{style:e}=n.element;if(this.ft===void 0)return this.ft=new Set(Object.keys(t)),this.render(t);for(let s of this.ft)t[s]==null&&(this.ft.delete(s),s.includes("-")?e.removeProperty(s):e[s]=null);for(let s in t){let i=t[s];if(i!=null){this.ft.add(s);let r=typeof i=="string"&&i.endsWith(xe);s.includes("-")||r?e.setProperty(s,r?i.slice(0,-11):i,r?Jt:""):e[s]=i}}return b}});function j(n,t=!1){let e=t?"icon big":"icon";return n?.icon?a`<img class=${e} src=${n.icon} alt="" part="icon">`:a`<span class=${e} part="icon" aria-hidden="true" style=${Gt({"--app-color":n?.color||""})}>${(n?.name||"?").slice(0,1).toUpperCase()}</span>`}function nt(n,t,{selected:e,onSelect:s}={}){let i=n.t,r=n.accounts[t.id]||[],o=n.connecting[t.id]||{},c=`account-${t.id}`,l=r.length===0?a`<p class="muted">${i("account.none",{app:t.name})}</p>`:s?a`<fieldset class="field"><legend>${i("account.choose",{app:t.name})}<span class="req" aria-hidden="true">*</span></legend>
          ${r.map(p=>a`<label class="check">
            <input type="radio" name=${c} .checked=${e===p.id} value=${p.id}
              @change=${()=>s(p.id)}>
            <span>${p.label}</span>
            ${p.status==="needs_reauthorization"?a`<span class="badge bad">${i("account.needsReauth")}</span>`:u}
          </label>`)}
          ${n.fieldError(`accounts.${t.id}`)?a`<p class="error" role="alert">${n.fieldError(`accounts.${t.id}`)}</p>`:u}
        </fieldset>`:a`<ul class="list">${r.map(p=>a`<li class="item row spread">
          <span>${p.label}
            ${p.status==="needs_reauthorization"?a`<span class="badge bad">${i("account.needsReauth")}</span>`:u}</span>
          <span class="row">
            ${p.status==="needs_reauthorization"?a`<button @click=${()=>n.connectAccount(t.id)}>${i("account.reconnect")}</button>`:u}
            <button class="danger" aria-label="${i("account.disconnect")} ${p.label}" @click=${()=>n.disconnect(t,p)}>${i("account.disconnect")}</button>
          </span></li>`)}</ul>`;return a`
    ${l}
    ${ke(n,t,o,r.length>0)}
  `}function ke(n,t,e,s){let i=n.t;return e.state==="blocked"?a`<div class="notice" role="alert">
      <p>${i("popup.blocked",{app:t.name})}</p>
      <button class="primary" part="primary" @click=${()=>n.connectAccount(t.id)}>${i("popup.continue",{app:t.name})}</button>
    </div>`:e.state==="popup"?a`<p class="notice" role="status">${i("popup.opening",{app:t.name})}</p>`:e.state==="form"?Ee(n,t,e):a`
    ${e.message?a`<p class="error" role="alert">${e.message}</p>`:u}
    <button data-connect=${t.id} @click=${()=>n.connectAccount(t.id)}>
      ${s?i("account.connectAnother"):i("account.connect",{app:t.name})}</button>`}function Ee(n,t,e){let s=n.t,i=c=>`cred-${t.id}-${c}`,r=c=>{c.preventDefault();let l=c.target,p=t.auth==="basic"?{type:"basic",username:l.elements.username.value,password:l.elements.password.value}:{type:"api_key",key:l.elements.key.value};n.submitCredentials(t,p)},o=e.error;return a`<form class="panel" @submit=${r} aria-labelledby=${i("title")} novalidate>
    <h3 id=${i("title")}>${s("account.connect",{app:t.name})}</h3>
    ${t.auth==="basic"?a`
      <div class="field"><label for=${i("username")}>${s("account.username")}<span class="req" aria-hidden="true">*</span></label>
        <input id=${i("username")} name="username" autocomplete="username" required part="input"
          aria-invalid=${o?"true":"false"} aria-describedby=${i("error")}></div>
      <div class="field"><label for=${i("password")}>${s("account.password")}<span class="req" aria-hidden="true">*</span></label>
        <input id=${i("password")} name="password" type="password" autocomplete="current-password" required part="input"
          aria-invalid=${o?"true":"false"} aria-describedby=${i("error")}></div>`:a`
      <div class="field"><label for=${i("key")}>${t.key_label||s("account.key")}<span class="req" aria-hidden="true">*</span></label>
        <input id=${i("key")} name="key" type="password" autocomplete="off" spellcheck="false" required part="input"
          aria-invalid=${o?"true":"false"} aria-describedby="${i("help")} ${i("error")}">
        ${t.key_help?a`<p class="help" id=${i("help")}>${t.key_help}</p>`:u}</div>`}
    <p class="error" id=${i("error")} role="alert">${o||""}</p>
    <div class="actions">
      <button type="submit" class="primary" part="primary" ?disabled=${e.busy}>${s("account.submit")}</button>
      <button type="button" @click=${()=>n.cancelConnect(t.id)}>${s("cancel")}</button>
    </div>
  </form>`}function Yt(n){let t=n.t,e=(n.search||"").trim().toLowerCase(),s=(n.data.flows||[]).filter(i=>!e||[i.name,i.description,...i.apps.map(r=>r.name)].join(" ").toLowerCase().includes(e));return a`
    <h2 tabindex="-1" class="view-title">${t("nav.flows")}</h2>
    <div class="search">
      <label class="sr" for="flow-search">${t("search.flows")}</label>
      <input id="flow-search" type="search" part="input" placeholder=${t("search.flows")}
        .value=${n.search||""} @input=${i=>{n.search=i.target.value}}>
    </div>
    <p class="sr" aria-live="polite">${t("flows.count",{count:s.length})}</p>
    ${s.length===0?a`<p class="notice">${t("flows.empty")}</p>`:a`
      <ul class="grid" role="list">
        ${s.map(i=>a`<li>
          <button class="card" part="card" data-flow=${i.id} @click=${()=>n.go("flow",{flow:i.id})}>
            <span class="icons">${i.apps.map(r=>j(r))}</span>
            <span class="title">${i.name}</span>
            ${i.description?a`<span class="muted">${i.description}</span>`:u}
            ${i.integrations?a`<span class="badge ok">${t("flow.integrations",{count:i.integrations})}</span>`:u}
          </button>
        </li>`)}
      </ul>`}
  `}function Qt(n){let t=n.t,{summary:e,integrations:s}=n.data,i=e.apps.filter(o=>o.auth!=="none"),r=e.multiple||s.length===0;return a`
    <button class="link" @click=${()=>n.go("flows")}>← ${t("back")}</button>
    <div class="row">${e.apps.map(o=>j(o,!0))}</div>
    <h2 tabindex="-1" class="view-title">${e.name}</h2>
    ${e.description?a`<p>${e.description}</p>`:u}
    ${i.length?a`<h3>${t("flow.needs")}</h3>
      <ul>${i.map(o=>a`<li>${t("flow.needsAccount",{app:o.name})}</li>`)}</ul>`:u}
    ${s.length?a`<h3>${t("flow.yours")}</h3>
      <ul class="list">${s.map(o=>a`<li class="item row spread">
        <span>${o.name} <span class="badge ${o.enabled?"ok":"bad"}">${t(o.enabled?"integration.enabled":"integration.disabled")}</span></span>
        <span class="row">
          <button @click=${()=>n.editIntegration(o.id)}>${t("integration.edit")}</button>
          <button @click=${()=>n.go("runs",{integration:o.id})}>${t("integration.runs")}</button>
        </span></li>`)}</ul>`:u}
    ${r?a`<div class="actions">
      <button class="primary" part="primary" @click=${()=>n.setupIntegration(e.id)}>
        ${t(s.length?"flow.setUpAnother":"flow.setUp")}</button></div>`:u}
  `}function Zt(n){let t=n.t,e=n.data.apps||[];return a`
    <h2 tabindex="-1" class="view-title">${t("nav.apps")}</h2>
    ${e.length===0?a`<p class="notice">${t("apps.empty")}</p>`:a`
      <ul class="grid" role="list">${e.map(s=>a`<li>
        <button class="card" part="card" data-app=${s.id} @click=${()=>n.go("app",{app:s.id})}>
          <span class="row">${j(s,!0)}<span class="title">${s.name}</span></span>
          ${s.description?a`<span class="muted">${s.description}</span>`:u}
          <span class="muted">${t("apps.accounts",{count:s.auth==="none"?0:s.accounts})}</span>
        </button></li>`)}</ul>`}
  `}function Xt(n){let t=n.t,{app:e,flows:s}=n.data;return a`
    <button class="link" @click=${()=>n.go("apps")}>← ${t("back")}</button>
    <div class="row">${j(e,!0)}<h2 tabindex="-1" class="view-title">${e.name}</h2></div>
    ${e.description?a`<p>${e.description}</p>`:u}
    ${e.auth!=="none"?a`<h3>${t("app.accounts",{app:e.name})}</h3>${nt(n,e,{})}`:u}
    <h3>${t("app.flows",{app:e.name})}</h3>
    <ul class="list">${s.map(i=>a`<li class="item row spread">
      <span>${i.name}</span>
      <button @click=${()=>n.go("flow",{flow:i.id})}>${t("flow.setUp")}</button></li>`)}</ul>
  `}var{I:As}=Dt;var te=n=>n.strings===void 0;var Se={},ee=(n,t=Se)=>n._$AH=t;var R=st(class extends q{constructor(n){if(super(n),n.type!==A.PROPERTY&&n.type!==A.ATTRIBUTE&&n.type!==A.BOOLEAN_ATTRIBUTE)throw Error("The `live` directive is not allowed on child or event bindings");if(!te(n))throw Error("`live` bindings can only contain a single expression")}render(n){return n}update(n,[t]){if(t===b||t===u)return t;let e=n.element,s=n.name;if(n.type===A.PROPERTY){if(t===e[s])return b}else if(n.type===A.BOOLEAN_ATTRIBUTE){if(!!t===e.hasAttribute(s))return b}else if(n.type===A.ATTRIBUTE&&e.getAttribute(s)===t+"")return b;return ee(n),t}});function ne(n){let t=n.t,e=n.setup,s=e.pages.length,i=e.page===s-1,r=e.integration?t("setup.edit",{flow:e.flow.name}):t("setup.title",{flow:e.flow.name}),o=e.pages[e.page];return a`
    <button class="link" @click=${()=>n.cancelSetup()}>← ${t("cancel")}</button>
    <h2 tabindex="-1" class="view-title">${r}</h2>
    <p class="muted" aria-live="polite">${t("setup.page",{page:e.page+1,pages:s})} · ${o.title}</p>
    ${e.notice?a`<p class="notice error" role="alert">${e.notice}</p>`:u}
    ${o.accounts?a`<div role="group" aria-label=${o.title}>${Ce(n)}${c(!1)}</div>`:a`<form novalidate @submit=${l=>{l.preventDefault(),n.setupNext()}} aria-label=${o.title}>
          ${o.description?a`<p class="muted">${o.description}</p>`:u}
          ${o.fields.map(l=>Te(n,l))}
          ${c(!0)}
        </form>`}
  `;function c(l){return a`<div class="actions">
      ${e.page>0?a`<button type="button" @click=${()=>n.setupBack()}>${t("back")}</button>`:u}
      <button type=${l?"submit":"button"} class="primary" part="primary" ?disabled=${e.busy}
        @click=${l?u:()=>n.setupNext()}>
        ${i?e.integration?t("save"):t("create"):t("next")}</button>
    </div>`}}function Ce(n){let t=n.setup;return t.apps.filter(e=>e.auth!=="none").map(e=>a`<div class="panel" data-app=${e.id}>
    ${nt(n,e,{selected:t.accounts[e.id],onSelect:s=>n.chooseAccount(e.id,s)})}
  </div>`)}function yt(n,t,e){let s=n.t;return a`<label for=${e}>${t.label||t.id}${t.required?a`<span class="req" aria-hidden="true">*</span><span class="sr">(${s("setup.required")})</span>`:u}</label>`}function P(n,t){let e=n.fieldError(`setup.${t.id}`);return a`
    ${t.help?a`<p class="help" id="help-${t.id}">${t.help}</p>`:u}
    <p class="error" id="err-${t.id}" role=${e?"alert":u}>${e||""}</p>`}function it(n,t){return{invalid:n.fieldError(`setup.${t.id}`)?"true":"false",describedBy:`help-${t.id} err-${t.id}`,disabled:n.setup.locked?.includes(t.id)}}function Te(n,t){let e=n.setup,s=e.form.values[t.id],i=`f-${t.id}`,r=it(n,t),o=c=>n.setValue(t.id,c);switch(t.type){case"text":return a`<div class="field" data-field=${t.id}>${yt(n,t,i)}
        <input id=${i} part="input" .value=${R(s??"")} ?disabled=${r.disabled} ?required=${t.required}
          aria-invalid=${r.invalid} aria-describedby=${r.describedBy} @input=${c=>o(c.target.value)}>${P(n,t)}</div>`;case"number":return a`<div class="field" data-field=${t.id}>${yt(n,t,i)}
        <input id=${i} part="input" type="number" inputmode="decimal" .value=${R(s??"")} ?disabled=${r.disabled}
          aria-invalid=${r.invalid} aria-describedby=${r.describedBy}
          @input=${c=>o(c.target.value===""?void 0:Number(c.target.value))}>${P(n,t)}</div>`;case"boolean":return a`<div class="field" data-field=${t.id}><label class="check">
        <input id=${i} type="checkbox" .checked=${R(!!s)} ?disabled=${r.disabled}
          aria-describedby=${r.describedBy} @change=${c=>o(c.target.checked)}>
        <span>${t.label||t.id}</span></label>${P(n,t)}</div>`;case"select":return se(n,t,t.options||[],null);case"dynamic_select":return se(n,t,e.options[t.id]?.options||[],e.options[t.id]||{});case"multi_select":return je(n,t);case"field_mapping":return Re(n,t);default:return u}}function se(n,t,e,s){let i=n.t,r=n.setup,o=`f-${t.id}`,c=it(n,t),l=r.form.values[t.id],p=h=>JSON.stringify(h),m=s&&!r.form.ready(t.id),d=l!==void 0&&!e.some(h=>p(h.value)===p(l))?[...e,{value:l,label:String(l)}]:e;return a`<div class="field" data-field=${t.id}>${yt(n,t,o)}
    ${s?a`<label class="sr" for="${o}-search">${i("search.options")} ${t.label||t.id}</label>
      <input id="${o}-search" type="search" part="input" placeholder=${i("search.options")} ?disabled=${m||c.disabled}
        .value=${R(s.search||"")} @input=${h=>n.searchOptions(t.id,h.target.value)}>`:u}
    <select id=${o} part="input" ?disabled=${m||c.disabled} aria-invalid=${c.invalid}
      aria-describedby=${c.describedBy} aria-busy=${s?.loading?"true":"false"}
      @change=${h=>{let g=d[h.target.selectedIndex-1];n.setValue(t.id,g?g.value:void 0)}}>
      <option value="" ?selected=${l===void 0}>${s?.loading?i("loading"):i("setup.choose")}</option>
      ${d.map(h=>a`<option ?selected=${l!==void 0&&p(h.value)===p(l)}>${h.label}</option>`)}
    </select>
    ${m?a`<p class="help">${i("setup.waitFor",{field:t.depends_on.map(h=>r.form.field(h)?.label||h).join(", ")})}</p>`:u}
    ${s?.error?a`<p class="error">${s.error} <button type="button" class="link" @click=${()=>n.loadOptions(t.id)}>${i("retry")}</button></p>`:u}
    ${s?.next?a`<button type="button" class="link" @click=${()=>n.loadOptions(t.id,{more:!0})}>${i("setup.loadMore")}</button>`:u}
    ${P(n,t)}</div>`}function je(n,t){let e=n.t,s=n.setup,i=t.source?s.options[t.id]||{}:null,r=t.options||i?.options||[],o=s.form.values[t.id]||[],c=p=>JSON.stringify(p),l=it(n,t);return a`<div class="field" data-field=${t.id}><fieldset aria-describedby=${l.describedBy}>
    <legend>${t.label||t.id}${t.required?a`<span class="req" aria-hidden="true">*</span><span class="sr">(${e("setup.required")})</span>`:u}</legend>
    ${r.map(p=>a`<label class="check"><input type="checkbox" ?disabled=${l.disabled}
      .checked=${R(o.some(m=>c(m)===c(p.value)))}
      @change=${m=>n.setValue(t.id,m.target.checked?[...o,p.value]:o.filter(d=>c(d)!==c(p.value)))}>
      <span>${p.label}</span></label>`)}
    ${i?.loading?a`<p class="muted">${e("loading")}</p>`:u}
    ${i?.next?a`<button type="button" class="link" @click=${()=>n.loadOptions(t.id,{more:!0})}>${e("setup.loadMore")}</button>`:u}
  </fieldset>${P(n,t)}</div>`}function Re(n,t){let e=n.t,s=n.setup,i=s.options[t.id]||{},r=s.form.values[t.id]||{},o=i.options||[],c=s.apps.find(m=>m.id===t.source?.app),l=it(n,t),p=!s.form.ready(t.id);return a`<div class="field" data-field=${t.id}><fieldset aria-describedby=${l.describedBy}>
    <legend>${t.label||e("setup.mapping",{app:c?.name||""})}${t.required?a`<span class="req" aria-hidden="true">*</span>`:u}</legend>
    ${p?a`<p class="help">${e("setup.waitFor",{field:t.depends_on.map(m=>s.form.field(m)?.label||m).join(", ")})}</p>`:u}
    ${i.loading?a`<p class="muted">${e("loading")}</p>`:u}
    ${!p&&!i.loading&&o.length===0&&!i.error?a`<p class="muted">${e("setup.noOptions")}</p>`:u}
    ${i.error?a`<p class="error">${i.error} <button type="button" class="link" @click=${()=>n.loadOptions(t.id)}>${e("retry")}</button></p>`:u}
    ${o.length?a`<table class="mapping" part="mapping">
      <thead><tr><th scope="col">${c?.name||e("setup.mapSource")}</th><th scope="col">${e("setup.mapTarget")}</th></tr></thead>
      <tbody>${o.map(m=>{let d=String(m.value),h=`map-${t.id}-${d}`,g=$=>{let ot={...r};$?ot[d]=$:delete ot[d],n.setValue(t.id,ot)};return a`<tr><th scope="row"><label for=${h}>${m.label}</label></th><td>
          ${t.options?a`<select id=${h} part="input" ?disabled=${l.disabled} @change=${$=>g($.target.value)}>
              <option value="">—</option>
              ${t.options.map($=>a`<option value=${String($.value)} ?selected=${r[d]===String($.value)}>${$.label}</option>`)}
            </select>`:a`<input id=${h} part="input" ?disabled=${l.disabled} .value=${R(r[d]||"")} @input=${$=>g($.target.value)}>`}
        </td></tr>`})}</tbody></table>`:u}
    ${i.next?a`<button type="button" class="link" @click=${()=>n.loadOptions(t.id,{more:!0})}>${e("setup.loadMore")}</button>`:u}
  </fieldset>${P(n,t)}</div>`}function ie(n){let t=n.t,{integrations:e,flows:s,lastRuns:i,labels:r}=n.data;return a`
    <h2 tabindex="-1" class="view-title">${t("nav.integrations")}</h2>
    ${e.length===0?a`<p class="notice">${t("integrations.empty")}</p>
      <button class="primary" part="primary" @click=${()=>n.go("flows")}>${t("nav.flows")}</button>`:a`
      <p class="muted">${t("integrations.count",{count:e.length})}</p>
      <ul class="list">${e.map(o=>{let c=s[o.flow_id],l=i[o.id],p=n.confirming===o.id;return a`<li class="item" data-integration=${o.id}>
          <div class="row spread">
            <span class="row">${(c?.apps||[]).map(m=>j(m))}<strong>${o.name}</strong>
              <span class="badge ${o.enabled?"ok":"bad"}">${t(o.enabled?"integration.enabled":"integration.disabled")}</span></span>
            <span class="muted">${l?a`${t("integration.lastRun",{when:n.when(l.created_at)})} · <span class=${l.status==="failed"?"bad":""}>${t(`status.${l.status}`)}</span>`:t("integration.noRuns")}</span>
          </div>
          <p class="muted">${Object.values(o.accounts).map(m=>r[m]||m).join(" · ")}</p>
          ${!o.enabled&&o.disabled_reason?a`<p class="error">${t("integration.why",{reason:o.disabled_reason})}</p>`:u}
          ${n.rowNotice?.id===o.id?a`<p class="error" role="alert">${n.rowNotice.text}</p>`:u}
          ${p?a`<div class="notice" role="alertdialog" aria-labelledby="confirm-${o.id}">
              <p id="confirm-${o.id}">${t("integration.deleteConfirm",{name:o.name})}</p>
              <div class="row"><button class="danger" data-confirm-delete @click=${()=>n.deleteIntegration(o)}>${t("integration.delete")}</button>
              <button @click=${()=>n.askDelete(null)}>${t("cancel")}</button></div></div>`:a`
            <div class="row">
              <button @click=${()=>n.editIntegration(o.id)}>${t("integration.edit")}</button>
              <button @click=${()=>n.go("runs",{integration:o.id})}>${t("integration.runs")}</button>
              <button aria-pressed=${o.enabled?"true":"false"} @click=${()=>n.toggleIntegration(o)}>
                ${t(o.enabled?"integration.disable":"integration.enable")}</button>
              <button class="danger" data-delete @click=${()=>n.askDelete(o.id)}>${t("integration.delete")}</button>
            </div>`}
        </li>`})}</ul>`}
  `}function oe(n){let t=n.t,{integration:e,runs:s,next:i,usage:r}=n.data;return a`
    <button class="link" @click=${()=>n.go("integrations")}>← ${t("back")}</button>
    <h2 tabindex="-1" class="view-title">${t("runs.title",{name:e.name})}</h2>
    ${r?a`<p class="muted">${t("runs.usage",{count:r.tasks})}</p>`:u}
    ${s.length===0?a`<p class="notice">${t("runs.empty")}</p>`:a`
      <ul class="list">${s.map(o=>a`<li class="item row spread" data-run=${o.id}>
        <span><span class="badge ${o.status==="succeeded"?"ok":o.status==="failed"?"bad":""}">${t(`status.${o.status}`)}</span>
          ${n.when(o.created_at)} · <span class="mono">${o.state.block_id}</span></span>
        <span class="row"><span class="muted">${t("runs.tasks",{count:o.state.tasks})}</span>
          <button @click=${()=>n.go("run",{run:o.id,integration:e.id})}>${t("run.steps")}</button></span>
      </li>`)}</ul>`}
    ${i?a`<div class="actions"><button @click=${()=>n.moreRuns()}>${t("runs.more")}</button></div>`:u}
  `}function re(n){let t=n.t,e=n.data.run,s=e.state.error;return a`
    <button class="link" @click=${()=>n.go("runs",{integration:e.integration_id})}>← ${t("back")}</button>
    <h2 tabindex="-1" class="view-title">${t("run.title",{id:e.id.slice(-8)})}</h2>
    <p class="row"><span class="badge ${e.status==="succeeded"?"ok":e.status==="failed"?"bad":""}" aria-live="polite">${t(`status.${e.status}`)}</span>
      <span class="muted">${n.when(e.created_at)} · ${t("runs.tasks",{count:e.state.tasks})}</span>
      <button class="link" @click=${()=>n.load()}>${t("run.refresh")}</button></p>
    ${s?a`<p class="error">${s.step?a`<span class="mono">${s.step}</span>: `:u}${s.message}</p>`:u}
    <h3>${t("run.steps")}</h3>
    ${e.state.log.length===0?a`<p class="muted">${t("run.noSteps")}</p>`:a`
      <ol class="steps">${e.state.log.map(i=>a`<li class=${i.status}>
        <div class="row spread"><span><strong class="mono">${i.step}</strong> <span class="muted">${i.kind}</span>${i.iteration!==void 0?a` <span class="muted">#${i.iteration+1}</span>`:u}</span>
          <span class="muted">${t(`status.${i.status}`)} · ${Oe(i.duration_us)}</span></div>
        ${(i.requests||[]).map(r=>a`<div class="mono">${r.method} ${r.url} → ${r.status??"—"}${r.attempts>1?` (×${r.attempts})`:""}</div>`)}
        ${i.message?a`<div class="muted">${i.message}</div>`:u}
        ${i.error?a`<div class="error">${i.error}</div>`:u}
      </li>`)}</ol>`}
  `}function Oe(n){return n<1e3?`${n} µs`:n<1e6?`${(n/1e3).toFixed(1)} ms`:`${(n/1e6).toFixed(2)} s`}var _t=["flows","flow","apps","app","setup","integrations","runs","run"],qe='button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])',U=class extends x{constructor(){super(),this.mode="inline",this.theme="auto",this.locale="en",this.view="flows",this.params={},this.open_=!1,this.data={},this.loading=!0,this.accounts={},this.connecting={},this.errors=[],this.announcement=""}get t(){return this._tKey!==`${this.locale}|${this.strings?"x":""}`&&(this._t=vt(this.locale,this.strings||{}),this._tKey=`${this.locale}|${this.strings?"x":""}`),this._t}get client(){let t=[this.api,this.appKey,this.userId,this.hash].join("|");return this._clientKey!==t&&(this._client=new z({api:this.api||location.origin,appKey:this.appKey,userId:this.userId,hash:this.hash}),this._clientKey=t),this._client}connectedCallback(){super.connectedCallback(),this._onKey=t=>this.onKey(t),this.addEventListener("keydown",this._onKey),_t.includes(this.view)||(this.view="flows"),this.mode!=="modal"?this.load().then(()=>f(this,"ready",{view:this.view})):f(this,"ready",{view:this.view})}updated(t){this._loadedOnce&&(t.has("tags")||t.has("api")||t.has("userId")||t.has("hash"))&&(this._apps=null,this.load({quiet:!0})),this._loadedOnce=this._loadedOnce||!this.loading}disconnectedCallback(){super.disconnectedCallback(),this.removeEventListener("keydown",this._onKey)}async open(t=this.view,e={}){this.mode==="modal"&&!this.open_&&(this._restoreFocus=Ne(),this.open_=!0,f(this,"open",{view:t})),await this.go(t,e)}async close(){this.mode!=="modal"||!this.open_||(this.open_=!1,f(this,"close",{}),await this.updateComplete,this._restoreFocus?.focus?.())}async connectAccount(t){let e=await this.appSummary(t);if(!e)throw new Error(`unknown app '${t}'`);if(e.auth==="oauth2")return this.oauth(e);this.connecting={...this.connecting,[t]:{state:"form"}},await this.updateComplete,this.renderRoot.querySelector(`#cred-${t}-${e.auth==="basic"?"username":"key"}`)?.focus()}async setupIntegration(t,{values:e={},locked:s=[]}={}){this.mode==="modal"&&!this.open_?await this.open("setup",{flow:t,values:e,locked:s}):await this.go("setup",{flow:t,values:e,locked:s})}async editIntegration(t){this.mode==="modal"&&!this.open_?await this.open("setup",{integration:t}):await this.go("setup",{integration:t})}async refresh(){await this.load({quiet:!0})}async go(t,e={}){if(!_t.includes(t))throw new Error(`unknown view '${t}' (one of ${_t.join(", ")})`);let s=this.view;this.view=t,this.params=e,this.errors=[],this.confirming=null,this.rowNotice=null,f(this,"view-change",{from:s,to:t,params:Pe(e)}),await this.load(),await this.updateComplete,this.renderRoot.querySelector(".view-title")?.focus()}async load({quiet:t=!1}={}){let e=this._seq=(this._seq||0)+1;t||(this.loading=!0),this.failure=null;try{let s=await this.fetchView(this.view,this.params);if(e!==this._seq)return;this.data=s}catch(s){if(e!==this._seq)return;this.failure=s,s instanceof v&&s.status===401?f(this,"auth-failed",{message:s.message}):f(this,"error",{view:this.view,status:s.status??0,message:s.message})}finally{e===this._seq&&(this.loading=!1)}}async fetchView(t,e){let s=this.client;switch(t){case"flows":return{flows:await s.flows({tags:this.tags})};case"flow":{let[i,r]=await Promise.all([s.flows({tags:this.tags}),s.integrations()]);return{summary:i.find(c=>c.id===e.flow)||await this.summaryOf(e.flow),integrations:r.filter(c=>c.flow_id===e.flow)}}case"apps":return{apps:await s.apps({tags:this.tags})};case"app":{let[i,r]=await Promise.all([s.apps({tags:this.tags}),s.flows({tags:this.tags})]),o=i.find(c=>c.id===e.app);if(!o)throw new v(404,{title:`app '${e.app}' is not in this marketplace`});return await this.loadAccounts(o.id),{app:o,flows:r.filter(c=>c.apps.some(l=>l.id===o.id))}}case"setup":return await this.prepareSetup(e),{};case"integrations":{let[i,r]=await Promise.all([s.integrations(),s.flows()]),o=Object.fromEntries(r.map(d=>[d.id,d])),c=[...new Set(i.flatMap(d=>Object.keys(d.accounts)))],[l,p]=await Promise.all([Promise.all(i.map(d=>s.runs(d.id,{limit:1}).then(h=>[d.id,h.runs[0]]))),Promise.all(c.map(d=>s.accounts(d).catch(()=>[])))]),m={};for(let d of p)for(let h of d)m[h.id]=h.label;return{integrations:i,flows:o,lastRuns:Object.fromEntries(l),labels:m}}case"runs":{let[i,r,o]=await Promise.all([s.integration(e.integration),s.runs(e.integration,{limit:20}),s.usage().catch(()=>null)]);return{integration:i,runs:r.runs,next:r.next,usage:o}}case"run":{let i=await s.run(e.run);return(i.status==="queued"||i.status==="running")&&this.pollRun(i.id),{run:i}}}return{}}pollRun(t){clearTimeout(this._poll),this._poll=setTimeout(()=>{this.view==="run"&&this.params.run===t&&this.load({quiet:!0})},700)}async summaryOf(t){let s=(await this.client.flows()).find(i=>i.id===t);if(!s)throw new v(404,{title:`flow '${t}' is not published`});return s}async appSummary(t){return(this._apps||(this._apps=await this.client.apps())).find(s=>s.id===t)||(this.setup?.apps||[]).find(s=>s.id===t)}async loadAccounts(t){let e=await this.client.accounts(t);return this.accounts={...this.accounts,[t]:e},e}async moreRuns(){let t=await this.client.runs(this.params.integration,{limit:20,before:this.data.next});this.data={...this.data,runs:[...this.data.runs,...t.runs],next:t.next}}oauth(t){let e=window.open("",`junction-oauth-${t.id}`,"popup,width=520,height=700");return e?(this.connecting={...this.connecting,[t.id]:{state:"popup"}},this.client.connectOAuth(t.id,e).then(s=>this.connected(t,s),s=>{let i=s.code==="error"?"denied":s.code,r={popup_closed:"popup.closed",denied:"popup.denied",timeout:"popup.timeout"}[i],o=r?`${this.t(r,{app:t.name})}${i==="denied"&&s.message?` (${s.message})`:""}`:s.message;return this.connecting={...this.connecting,[t.id]:{message:o}},f(this,"account-connect-failed",{app:t.id,code:i,message:o}),this.announce(o),null})):(this.connecting={...this.connecting,[t.id]:{state:"blocked"}},f(this,"account-connect-failed",{app:t.id,code:"popup_blocked",message:this.t("popup.blocked",{app:t.name})}),Promise.resolve(null))}async submitCredentials(t,e){this.connecting={...this.connecting,[t.id]:{state:"form",busy:!0}};try{let s=await this.client.connect(t.id,e);return await this.connected(t,s)}catch(s){let i=s.fieldError?.("credentials")||s.message;this.connecting={...this.connecting,[t.id]:{state:"form",error:i}};let r=s.status===422||s.status===400?"invalid_credentials":s.status===0?"offline":"error";return f(this,"account-connect-failed",{app:t.id,code:r,message:i}),await this.updateComplete,this.renderRoot.querySelector(`#cred-${t.id}-${t.auth==="basic"?"username":"key"}`)?.focus(),null}}async connected(t,e){return this.connecting={...this.connecting,[t.id]:{}},await this.loadAccounts(t.id),this.setup&&this.chooseAccount(t.id,e.id),f(this,"account-connected",{app:t.id,account:{id:e.id,label:e.label,status:e.status}}),this.announce(this.t("account.connected",{label:e.label})),this._apps=null,e}cancelConnect(t){this.connecting={...this.connecting,[t]:{}}}async disconnect(t,e){if(confirm(this.t("account.disconnectConfirm",{label:e.label})))try{await this.client.disconnect(e.id),await this.loadAccounts(t.id),f(this,"account-disconnected",{app:t.id,account:{id:e.id,label:e.label}})}catch(s){this.connecting={...this.connecting,[t.id]:{message:s.message}}}}async prepareSetup({flow:t,integration:e,values:s={},locked:i=[]}){let r=null;e&&(r=await this.client.integration(e),t=r.flow_id,s=r.setup);let[o,c]=await Promise.all([this.client.flow(t),this.summaryOf(t)]),l=this.client.form(o.flow,s),p=c.apps;await Promise.all(p.filter(h=>h.auth!=="none").map(h=>this.loadAccounts(h.id)));let m={};for(let h of p){let g=this.accounts[h.id]||[];r?.accounts[h.id]?m[h.id]=r.accounts[h.id]:g.length===1&&(m[h.id]=g[0].id)}let d=[];p.some(h=>h.auth!=="none")&&!r&&d.push({title:this.t("setup.accounts"),accounts:!0,fields:[]});for(let[h,g]of l.pages.entries())d.push({...g,index:h});d.length===0&&d.push({title:o.flow.name,fields:[]}),this.setup={flow:o.flow,apps:p,form:l,pages:d,page:0,accounts:m,options:{},integration:r,locked:i,notice:null},this.pageEntered()}chooseAccount(t,e){let s=this.setup;s.accounts={...s.accounts,[t]:e};for(let i of s.form.fields)i.source?.app===t&&delete s.options[i.id];this.errors=this.errors.filter(i=>i.path!==`accounts.${t}`),this.errors.length===0&&(s.notice=null),this.requestUpdate()}setValue(t,e){let s=this.setup,i=s.form.set(t,e);for(let r of i)delete s.options[r];this.errors=this.errors.filter(r=>r.path!==`setup.${t}`),this.errors.length===0&&(s.notice=null),this.requestUpdate();for(let r of i)this.onPage(r)&&this.loadOptions(r)}onPage(t){return this.setup.pages[this.setup.page]?.fields.some(e=>e.id===t)}pageEntered(){let t=this.setup,e=t.pages[t.page];f(this,"setup-page",{flow:t.flow.id,page:t.page,pages:t.pages.length,title:e.title});for(let s of e.fields)s.source&&!t.options[s.id]&&t.form.ready(s.id)&&this.loadOptions(s.id)}async loadOptions(t,{more:e=!1}={}){let s=this.setup;if(!s.form.field(t)?.source||!s.form.ready(t))return;let r=s.options[t]||{},o=(r.seq||0)+1;s.options[t]={...r,seq:o,loading:!0,error:null,...e?{}:{options:[],next:null}},this.requestUpdate();try{let c=await this.client.options(s.flow.id,t,{accounts:s.accounts,setup:s.form.inputsOf(t),search:r.search,cursor:e?r.next:void 0});if(s.options[t]?.seq!==o||this.setup!==s)return;let l=e?[...s.options[t].options||[],...c.options]:c.options;s.options[t]={...s.options[t],options:l,next:c.next||null,loading:!1}}catch(c){if(s.options[t]?.seq!==o)return;s.options[t]={...s.options[t],loading:!1,error:c.message}}this.requestUpdate()}searchOptions(t,e){let s=this.setup;s.options[t]={...s.options[t]||{},search:e},clearTimeout(this._searchTimer),this._searchTimer=setTimeout(()=>this.loadOptions(t),250)}setupBack(){let t=this.setup;t.page>0&&(t.page-=1,t.notice=null,this.requestUpdate(),this.pageEntered(),this.focusTitle())}async setupNext(){let t=this.setup,e=t.pages[t.page],s=e.accounts?t.apps.filter(i=>i.auth!=="none"&&!t.accounts[i.id]).map(i=>({path:`accounts.${i.id}`,message:this.t("setup.requiredError")})):t.form.missing(e.index,this.t("setup.requiredError"));return s.length?this.showErrors(s):t.page<t.pages.length-1?(t.page+=1,t.notice=null,this.errors=[],this.requestUpdate(),this.pageEntered(),this.focusTitle()):this.save()}async save(){let t=this.setup,e=t.form.submission(),s={flow:t.flow.id,integration:t.integration?.id??null,values:e,accounts:t.accounts};if(!f(this,"before-save",s,{cancelable:!0}))return t.notice=this.t("setup.vetoed"),this.requestUpdate(),null;t.busy=!0,this.requestUpdate();try{let i;return t.integration?(i=await this.client.updateIntegration(t.integration.id,{setup:e}),f(this,"integration-updated",{integration:N(i)}),this.announce(this.t("integration.updated",{name:i.name}))):({integration:i}=await this.client.createIntegration({flow:t.flow.id,accounts:t.accounts,setup:e}),f(this,"integration-created",{integration:N(i)}),this.announce(this.t("integration.created",{name:i.name}))),this.setup=null,await this.go("integrations"),i}catch(i){return t.busy=!1,i.errors?.length?this.showErrors(i.errors.map(r=>({...r,path:r.path||""}))):(t.notice=i.message,this.requestUpdate(),null)}}async showErrors(t){let e=this.setup;this.errors=t,f(this,"validation-error",{flow:e.flow.id,errors:t});let s=e.pages.findIndex(i=>t.some(r=>i.accounts&&r.path.startsWith("accounts.")||i.fields.some(o=>r.path===`setup.${o.id}`||r.path.startsWith(`setup.${o.id}.`))));return s>=0&&s!==e.page&&(e.page=s,this.pageEntered()),e.notice=this.t("setup.fix",{count:t.length}),this.requestUpdate(),await this.updateComplete,this.renderRoot.querySelector('[aria-invalid="true"], .field .error[role="alert"]')?.closest(".field")?.querySelector("input, select")?.focus(),null}fieldError(t){return bt(this.errors||[],t)}cancelSetup(){let t=this.setup?.flow?.id,e=this.setup?.integration;return this.setup=null,e?this.go("integrations"):this.go("flow",{flow:t})}async toggleIntegration(t){let e=!t.enabled;if(!f(this,e?"before-enable":"before-disable",{integration:N(t)},{cancelable:!0})){this.rowNotice={id:t.id,text:e?this.t("setup.vetoed"):this.t("veto.disable")};return}try{let i=await this.client.updateIntegration(t.id,{enabled:e});f(this,e?"integration-enabled":"integration-disabled",{integration:N(i)}),this.announce(`${i.name}: ${this.t(e?"integration.enabled":"integration.disabled")}`),await this.load({quiet:!0})}catch(i){this.rowNotice={id:t.id,text:i.message}}}async askDelete(t){this.confirming=t,await this.updateComplete,this.renderRoot.querySelector(t?"[data-confirm-delete]":".view-title")?.focus()}async deleteIntegration(t){if(this.confirming=null,!f(this,"before-delete",{integration:N(t)},{cancelable:!0})){this.rowNotice={id:t.id,text:this.t("veto.delete")};return}try{await this.client.deleteIntegration(t.id),f(this,"integration-deleted",{integration:N(t)}),this.announce(this.t("integration.deleted",{name:t.name})),await this.load({quiet:!0}),this.focusTitle()}catch(e){this.rowNotice={id:t.id,text:e.message}}}announce(t){this.announcement="",requestAnimationFrame(()=>{this.announcement=t})}async focusTitle(){await this.updateComplete,this.renderRoot.querySelector(".view-title")?.focus()}when(t){try{return new Intl.DateTimeFormat(this.locale,{dateStyle:"medium",timeStyle:"short"}).format(new Date(t))}catch{return t}}onKey(t){if(!(this.mode!=="modal"||!this.open_)){if(t.key==="Escape")t.preventDefault(),this.close();else if(t.key==="Tab"){let e=[...this.renderRoot.querySelectorAll(qe)].filter(o=>!o.disabled&&o.offsetParent!==null);if(e.length===0)return;let s=e[0],i=e[e.length-1],r=this.renderRoot.activeElement;t.shiftKey&&(r===s||!r)?(t.preventDefault(),i.focus()):!t.shiftKey&&(r===i||!r)&&(t.preventDefault(),s.focus())}}}render(){let t=this.t,e=a`
      <div class="frame ${this.mode==="modal"?"dialog":""}" part="frame"
        role=${this.mode==="modal"?"dialog":"region"} aria-modal=${this.mode==="modal"?"true":u}
        aria-label=${t("nav.flows")} lang=${this.locale}>
        <header part="header">
          <nav aria-label=${t("nav.label")} part="nav">
            ${["flows","apps","integrations"].map(s=>a`<button data-nav=${s} part="tab"
              aria-current=${this.section()===s?"page":u} @click=${()=>this.go(s)}>${t(`nav.${s}`)}</button>`)}
          </nav>
          ${this.mode==="modal"?a`<button class="close" aria-label=${t("close")} @click=${()=>this.close()}>✕</button>`:u}
        </header>
        <div class="sr" role="status" aria-live="polite">${this.announcement}</div>
        <main aria-busy=${this.loading?"true":"false"}>${this.renderView()}</main>
      </div>`;return this.mode==="modal"?this.open_?a`<div class="backdrop" part="backdrop" @click=${s=>{s.target===s.currentTarget&&this.close()}}>${e}</div>`:u:e}section(){return["flows","flow","setup"].includes(this.view)?"flows":["apps","app"].includes(this.view)?"apps":"integrations"}renderView(){let t=this.t;if(this.loading)return a`<p class="sr">${t("loading")}</p><div class="skeleton" aria-hidden="true" part="skeleton"><div></div><div></div><div></div></div>`;if(this.failure){let e=this.failure,s=e.status===0?t("error.offline"):e.status===401?t("error.auth"):t("error.title");return a`<div class="notice" role="alert" part="error">
        <p><strong>${s}</strong></p>${e.status!==0&&e.message?a`<p class="muted">${e.message}</p>`:u}
        <button class="primary" part="primary" @click=${()=>this.load()}>${t("retry")}</button></div>`}switch(this.view){case"flows":return Yt(this);case"flow":return Qt(this);case"apps":return Zt(this);case"app":return Xt(this);case"setup":return this.setup?ne(this):u;case"integrations":return ie(this);case"runs":return oe(this);case"run":return re(this)}return u}};rt(U,"styles",Wt),rt(U,"properties",{api:{type:String},appKey:{type:String,attribute:"app-key"},userId:{type:String,attribute:"user-id"},hash:{type:String},tags:{type:String},mode:{type:String,reflect:!0},theme:{type:String,reflect:!0},locale:{type:String},view:{type:String},strings:{type:Object},open_:{type:Boolean,attribute:"open",reflect:!0},data:{state:!0},loading:{state:!0},failure:{state:!0},search:{state:!0},setup:{state:!0},accounts:{state:!0},connecting:{state:!0},confirming:{state:!0},rowNotice:{state:!0},announcement:{state:!0}});function N(n){return{id:n.id,flow:n.flow_id,name:n.name,enabled:n.enabled}}function Pe(n){let t={};for(let e of["flow","app","integration","run"])n[e]&&(t[e]=n[e]);return t}function Ne(){let n=document.activeElement;for(;n?.shadowRoot?.activeElement;)n=n.shadowRoot.activeElement;return n}customElements.get("junction-marketplace")||customElements.define("junction-marketplace",U);export{_e as EVENT_NAMES,ye as EVENT_VERSION,z as JunctionClient,v as JunctionError,U as JunctionMarketplace,wt as LOCALES,tt as SetupForm,vt as translator,Ft as waitForCallback};
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
