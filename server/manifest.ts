/**
 * The add-in manifest (Office add-in XML manifest, TaskPaneApp for Excel), generated for one server origin.
 * manifest.xml at the repository root is this document for https://localhost:3000; `redsite manifest --origin`
 * writes it for a deployment.
 */

/** Stable add-in ID: Office keys settings and sideloads by it, so it never changes. */
export const ADDIN_ID = '6f1c2d3e-8a4b-4c5d-9e0f-2b7a1c3d4e5f';
export const ADDIN_VERSION = '1.0.0.0';
export const DEFAULT_ORIGIN = 'https://localhost:3000';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export class ManifestOriginError extends Error {}

/** https://host[:port] with no path: Office only loads add-ins over https. */
export function checkOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new ManifestOriginError(`地址“${origin}”无效：请写成 https://主机名:端口 的形式`);
  }
  if (url.protocol !== 'https:') throw new ManifestOriginError(`加载项地址必须使用 https（收到 ${origin}）：Office 不会加载 http 地址的加载项`);
  if (url.pathname !== '/' || url.search || url.hash) throw new ManifestOriginError(`地址只写到端口为止，不要带路径（收到 ${origin}）`);
  return url.origin;
}

export function buildManifest(originInput: string = DEFAULT_ORIGIN): string {
  const origin = esc(checkOrigin(originInput));
  const icon = (size: number) => `${origin}/assets/icon-${size}.png`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0" xmlns:ov="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="TaskPaneApp">
  <Id>${ADDIN_ID}</Id>
  <Version>${ADDIN_VERSION}</Version>
  <ProviderName>包头企业党建联盟</ProviderName>
  <DefaultLocale>zh-CN</DefaultLocale>
  <DisplayName DefaultValue="红色工地申报"/>
  <Description DefaultValue="“红色工地”创建提档升级：生成申报工作簿、对照“七有一好八规范”细则实时计分、检查问题并同步到联盟服务器；旗县区一键汇总，秘书处一键下载总表。"/>
  <IconUrl DefaultValue="${icon(32)}"/>
  <HighResolutionIconUrl DefaultValue="${icon(64)}"/>
  <SupportUrl DefaultValue="${origin}/"/>
  <AppDomains>
    <AppDomain>${origin}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Workbook"/>
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.1">
      <Set Name="ExcelApi" MinVersion="1.7"/>
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue="${origin}/addin/taskpane.html"/>
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">
        <DesktopFormFactor>
          <GetStarted>
            <Title resid="RedSite.GetStarted.Title"/>
            <Description resid="RedSite.GetStarted.Description"/>
            <LearnMoreUrl resid="RedSite.Help.Url"/>
          </GetStarted>
          <FunctionFile resid="RedSite.Commands.Url"/>
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <OfficeTab id="TabHome">
              <Group id="RedSite.Group">
                <Label resid="RedSite.Group.Label"/>
                <Icon>
                  <bt:Image size="16" resid="RedSite.Icon.16"/>
                  <bt:Image size="32" resid="RedSite.Icon.32"/>
                  <bt:Image size="80" resid="RedSite.Icon.80"/>
                </Icon>
                <Control xsi:type="Button" id="RedSite.OpenPane">
                  <Label resid="RedSite.Button.Label"/>
                  <Supertip>
                    <Title resid="RedSite.Button.Label"/>
                    <Description resid="RedSite.Button.Tooltip"/>
                  </Supertip>
                  <Icon>
                    <bt:Image size="16" resid="RedSite.Icon.16"/>
                    <bt:Image size="32" resid="RedSite.Icon.32"/>
                    <bt:Image size="80" resid="RedSite.Icon.80"/>
                  </Icon>
                  <Action xsi:type="ShowTaskpane">
                    <TaskpaneId>RedSite.Taskpane</TaskpaneId>
                    <SourceLocation resid="RedSite.Taskpane.Url"/>
                  </Action>
                </Control>
              </Group>
            </OfficeTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>
        <bt:Image id="RedSite.Icon.16" DefaultValue="${icon(16)}"/>
        <bt:Image id="RedSite.Icon.32" DefaultValue="${icon(32)}"/>
        <bt:Image id="RedSite.Icon.80" DefaultValue="${icon(80)}"/>
      </bt:Images>
      <bt:Urls>
        <bt:Url id="RedSite.Commands.Url" DefaultValue="${origin}/addin/commands.html"/>
        <bt:Url id="RedSite.Taskpane.Url" DefaultValue="${origin}/addin/taskpane.html"/>
        <bt:Url id="RedSite.Help.Url" DefaultValue="${origin}/"/>
      </bt:Urls>
      <bt:ShortStrings>
        <bt:String id="RedSite.GetStarted.Title" DefaultValue="红色工地申报已就绪"/>
        <bt:String id="RedSite.Group.Label" DefaultValue="红色工地"/>
        <bt:String id="RedSite.Button.Label" DefaultValue="红色工地申报"/>
      </bt:ShortStrings>
      <bt:LongStrings>
        <bt:String id="RedSite.GetStarted.Description" DefaultValue="在“开始”选项卡点击“红色工地申报”，新建申报工作簿并对照细则自评。"/>
        <bt:String id="RedSite.Button.Tooltip" DefaultValue="打开任务窗格：新建申报工作簿、检查、实时得分、同步到服务器"/>
      </bt:LongStrings>
    </Resources>
  </VersionOverrides>
</OfficeApp>
`;
}
